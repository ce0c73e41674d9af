// The STALE sweep's schedule: Cloud Scheduler POSTs `{}` to the sweep function every minute with
// an OIDC token of the sweep scheduler's own identity, which may invoke the sweep and nothing else
// (the daily job has its own). A missed or failed tick is harmless: the next one judges every
// site again, so the job does not retry an attempt.
// https://cloud.google.com/scheduler/docs/http-target-auth
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { ROLES, serviceAccountMember } from '../iam.ts';
import type { FunctionService } from './function-service.ts';

export interface StaleSweepArgs {
  readonly project: string;
  readonly region: string;
  readonly sweep: FunctionService;
}

/** Every minute: a silent site raises STALE within its stale timeout plus this. */
export const SWEEP_SCHEDULE = '* * * * *';

export class StaleSweep extends pulumi.ComponentResource {
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly job: gcp.cloudscheduler.Job;

  constructor(name: string, args: StaleSweepArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:StaleSweep', name, {}, opts);
    this.serviceAccount = new gcp.serviceaccount.Account(
      'sweep-scheduler',
      {
        accountId: 'plantlake-sweep-tick',
        displayName: 'plantlake STALE sweep scheduler',
        description: 'Calls the sweep function every minute; may invoke that one function only',
      },
      { parent: this },
    );
    const invoker = new gcp.cloudrunv2.ServiceIamMember(
      'sweep-scheduler-invoker',
      {
        project: args.project,
        location: args.region,
        name: args.sweep.fn.name,
        role: ROLES.runInvoker,
        member: serviceAccountMember(this.serviceAccount.email),
      },
      { parent: this },
    );
    this.job = new gcp.cloudscheduler.Job(
      'sweep',
      {
        name: 'plantlake-stale-sweep',
        region: args.region,
        description: 'Judges STALE for every site with an alarm state, so a silent site raises STALE',
        schedule: SWEEP_SCHEDULE,
        timeZone: 'Etc/UTC',
        attemptDeadline: '60s',
        retryConfig: { retryCount: 0 },
        httpTarget: {
          uri: args.sweep.uri,
          httpMethod: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from('{}').toString('base64'),
          oidcToken: { serviceAccountEmail: this.serviceAccount.email, audience: args.sweep.uri },
        },
      },
      { parent: this, dependsOn: [invoker] },
    );
    this.registerOutputs({ job: this.job.name, serviceAccount: this.serviceAccount.email });
  }
}
