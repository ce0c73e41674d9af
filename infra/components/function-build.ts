// What Cloud Build needs to turn a source archive into a function image: a dedicated build
// service account (new projects no longer give the default one broad roles, and sharing the
// Compute default account would give builds far more than they need) and our own Artifact
// Registry repository, so the build's write access is to that repository only.
// https://cloud.google.com/functions/docs/securing/build-custom-sa
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { ROLES, serviceAccountMember } from '../iam.ts';

export interface FunctionBuildArgs {
  readonly project: string;
  readonly region: string;
  /** Bucket holding the source archives. */
  readonly sourcesBucket: pulumi.Input<string>;
}

export class FunctionBuild extends pulumi.ComponentResource {
  readonly serviceAccount: gcp.serviceaccount.Account;
  readonly repository: gcp.artifactregistry.Repository;
  /** Grants a build needs; functions depend on them so the first build does not fail. */
  readonly grants: pulumi.Resource[];

  constructor(name: string, args: FunctionBuildArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:FunctionBuild', name, {}, opts);
    this.serviceAccount = new gcp.serviceaccount.Account('build', { accountId: 'plantlake-build', displayName: 'plantlake function builds' }, { parent: this });
    const member = serviceAccountMember(this.serviceAccount.email);

    this.repository = new gcp.artifactregistry.Repository(
      'functions',
      {
        repositoryId: 'plantlake-functions',
        location: args.region,
        format: 'DOCKER',
        description: 'Images built from the plantlake functions',
      },
      { parent: this },
    );

    this.grants = [
      new gcp.artifactregistry.RepositoryIamMember(
        'build-artifact-writer',
        {
          repository: this.repository.name,
          location: this.repository.location,
          role: ROLES.artifactWriter,
          member,
        },
        { parent: this },
      ),
      new gcp.storage.BucketIAMMember('build-sources-viewer', { bucket: args.sourcesBucket, role: ROLES.objectViewer, member }, { parent: this }),
      // Build logs are project-level log entries.
      new gcp.projects.IAMMember('build-log-writer', { project: args.project, role: ROLES.logWriter, member }, { parent: this }),
      // Cloud Functions stages the source in gcf-v2-sources-* / gcf-v2-uploads-* buckets it
      // creates itself, so the grant cannot name them up front; the condition keeps it to those.
      new gcp.projects.IAMMember(
        'build-staged-sources',
        {
          project: args.project,
          role: ROLES.objectAdmin,
          member,
          condition: {
            title: 'gcf-v2 staging buckets only',
            description: 'Cloud Functions source staging buckets',
            expression: 'resource.name.startsWith("projects/_/buckets/gcf-v2-sources-") || ' + 'resource.name.startsWith("projects/_/buckets/gcf-v2-uploads-")',
          },
        },
        { parent: this },
      ),
    ];

    this.registerOutputs({ serviceAccount: this.serviceAccount.email, repository: this.repository.id });
  }
}
