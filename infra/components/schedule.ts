// The daily run: Cloud Scheduler calls the daily function with an OIDC token of a dedicated
// scheduler identity, which may invoke daily and nothing else. The daily job is idempotent, so
// a retried attempt is safe; daily runs at most one instance, so attempts never overlap.
// https://cloud.google.com/scheduler/docs/http-target-auth
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { ROLES, serviceAccountMember } from '../iam.ts';
import type { FunctionService } from './function-service.ts';

export interface ScheduleArgs {
  readonly project: string;
  readonly region: string;
  readonly daily: FunctionService;
  /** unix-cron, e.g. `30 2 * * *`. */
  readonly schedule: string;
  readonly timeZone: string;
  /** How long one attempt may run: the daily function's timeout (≤ 1800 s). */
  readonly attemptDeadlineSeconds: number;
}

/** Body of the scheduled request: `{}` asks daily to load every day changed since its last load. */
export const SCHEDULED_BODY = {};

export class Schedule extends pulumi.ComponentResource {
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly job: gcp.cloudscheduler.Job;

  constructor(name: string, args: ScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:Schedule', name, {}, opts);
    this.serviceAccount = new gcp.serviceaccount.Account(
      'scheduler',
      {
        accountId: 'plantlake-scheduler',
        displayName: 'plantlake scheduler',
        description: 'Calls the daily function; may invoke that one function only',
      },
      { parent: this },
    );
    const invoker = new gcp.cloudrunv2.ServiceIamMember(
      'scheduler-daily-invoker',
      {
        project: args.project,
        location: args.region,
        name: args.daily.fn.name,
        role: ROLES.runInvoker,
        member: serviceAccountMember(this.serviceAccount.email),
      },
      { parent: this },
    );

    this.job = new gcp.cloudscheduler.Job(
      'daily',
      {
        name: 'plantlake-daily',
        region: args.region,
        description: 'Loads changed raw days into BigQuery, then moves loaded days to Coldline',
        schedule: args.schedule,
        timeZone: args.timeZone,
        attemptDeadline: `${args.attemptDeadlineSeconds}s`,
        retryConfig: {
          retryCount: 3,
          minBackoffDuration: '300s',
          maxBackoffDuration: '3600s',
          maxDoublings: 2,
        },
        httpTarget: {
          uri: args.daily.uri,
          httpMethod: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: Buffer.from(JSON.stringify(SCHEDULED_BODY)).toString('base64'),
          oidcToken: { serviceAccountEmail: this.serviceAccount.email, audience: args.daily.uri },
        },
      },
      { parent: this, dependsOn: [invoker] },
    );

    this.registerOutputs({ job: this.job.name, serviceAccount: this.serviceAccount.email });
  }
}
