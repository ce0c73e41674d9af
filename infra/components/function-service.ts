// One Cloud Run function (2nd gen): its own runtime service account, its source archive and the
// function itself, reachable only from inside the project (Pub/Sub push and Cloud Scheduler count
// as internal: https://cloud.google.com/run/docs/securing/ingress#settings) and only by callers
// holding run.invoker on its service. The roles it needs are granted by the Functions component,
// on the resources it touches.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { FunctionName } from '../../functions/core/resources.ts';
import type { FunctionSizing } from '../config.ts';
import { createGrant, type Grant } from '../grants.ts';
import { serviceAccountMember } from '../iam.ts';
import type { FunctionSource } from '../sources.ts';

export interface SecretEnv {
  readonly key: string;
  /** Secret id (short name) in this project. */
  readonly secret: pulumi.Input<string>;
  readonly version: pulumi.Input<string>;
}

export interface FunctionServiceArgs {
  readonly name: FunctionName;
  readonly description: string;
  readonly project: string;
  readonly region: string;
  readonly settings: FunctionSizing;
  readonly source: FunctionSource;
  readonly sourcesBucket: pulumi.Input<string>;
  /** `projects/<p>/serviceAccounts/<email>` of the build account. */
  readonly buildServiceAccount: pulumi.Input<string>;
  /** `projects/<p>/locations/<r>/repositories/<id>` for the built image. */
  readonly dockerRepository: pulumi.Input<string>;
  readonly environment: Readonly<Record<string, pulumi.Input<string>>>;
  readonly secretEnvironment: readonly SecretEnv[];
  /** Grants the build needs before it runs. */
  readonly buildGrants: readonly pulumi.Resource[];
  /** Everything the function may touch at run time; nothing else is granted to its account. */
  readonly access: readonly Grant[];
}

/** The Node.js runtime of every function (Node 24 LTS, supported to 2028). */
export const RUNTIME = 'nodejs24';

export class FunctionService extends pulumi.ComponentResource {
  readonly functionName: FunctionName;
  readonly serviceAccount: gcp.serviceaccount.Account;
  /** `serviceAccount:<email>` of the runtime account. */
  readonly member: pulumi.Output<string>;
  readonly fn: gcp.cloudfunctionsv2.Function;
  /** The run.app URL of the function's Cloud Run service. */
  readonly uri: pulumi.Output<string>;

  constructor(name: string, args: FunctionServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:FunctionService', name, {}, opts);
    this.functionName = args.name;
    this.serviceAccount = new gcp.serviceaccount.Account(
      `${args.name}-runtime`,
      {
        accountId: `plantlake-fn-${args.name}`,
        displayName: `plantlake ${args.name} function`,
        description: `Runtime identity of the ${args.name} function only`,
      },
      { parent: this },
    );
    this.member = serviceAccountMember(this.serviceAccount.email);
    // Granted before the function is deployed: a deploy checks secret access up front, and the
    // first request should not meet a missing role.
    const grants = args.access.map((g) => createGrant(`${args.name}-${g.what}`, g, this.member, { parent: this }));

    const archive = new gcp.storage.BucketObject(
      `${args.name}-source`,
      {
        bucket: args.sourcesBucket,
        // A new content hash is a new object name, which is what makes Cloud Functions rebuild.
        name: `${args.name}/${args.source.hash}.zip`,
        source: new pulumi.asset.FileArchive(args.source.dir),
        contentType: 'application/zip',
      },
      { parent: this },
    );

    this.fn = new gcp.cloudfunctionsv2.Function(
      args.name,
      {
        name: args.name,
        location: args.region,
        description: args.description,
        buildConfig: {
          runtime: RUNTIME,
          // Functions register by name (functions.cloudEvent / functions.http), so the entry
          // point is the function's name.
          entryPoint: args.name,
          source: { storageSource: { bucket: archive.bucket, object: archive.name } },
          serviceAccount: args.buildServiceAccount,
          dockerRepository: args.dockerRepository,
        },
        serviceConfig: {
          availableMemory: args.settings.memory,
          timeoutSeconds: args.settings.timeoutSeconds,
          minInstanceCount: 0,
          maxInstanceCount: args.settings.maxInstances,
          ingressSettings: 'ALLOW_INTERNAL_ONLY',
          allTrafficOnLatestRevision: true,
          serviceAccountEmail: this.serviceAccount.email,
          environmentVariables: { ...args.environment },
          secretEnvironmentVariables: args.secretEnvironment.map((s) => ({
            key: s.key,
            projectId: args.project,
            secret: s.secret,
            version: s.version,
          })),
        },
      },
      { parent: this, dependsOn: [...args.buildGrants, ...grants] },
    );
    this.uri = this.fn.serviceConfig.apply((s) => s?.uri ?? '');

    this.registerOutputs({ name: this.fn.name, uri: this.uri, serviceAccount: this.serviceAccount.email });
  }
}
