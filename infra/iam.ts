// IAM roles plantlake grants, and the few grants that cannot sit lower than the project.
// Every other grant is made on the one resource it is for (a bucket, topic, subscription, secret,
// dataset, service account or Cloud Run service); the infra tests check that over every resource.
// Role reference: https://cloud.google.com/iam/docs/understanding-roles
import * as pulumi from '@pulumi/pulumi';

export const ROLES = {
  // Cloud Storage: https://cloud.google.com/storage/docs/access-control/iam-roles
  /** Create objects; no read, overwrite or delete. */
  objectCreator: 'roles/storage.objectCreator',
  /** Read and list objects. */
  objectViewer: 'roles/storage.objectViewer',
  /** Read, create, overwrite, delete objects (no bucket settings, no IAM). */
  objectUser: 'roles/storage.objectUser',
  /** objectUser plus object ACL control; only the build's staging grant uses it, as Google documents. */
  objectAdmin: 'roles/storage.objectAdmin',
  // Pub/Sub: https://cloud.google.com/pubsub/docs/access-control
  publisher: 'roles/pubsub.publisher',
  subscriber: 'roles/pubsub.subscriber',
  // BigQuery: https://cloud.google.com/bigquery/docs/access-control
  dataViewer: 'roles/bigquery.dataViewer',
  dataEditor: 'roles/bigquery.dataEditor',
  jobUser: 'roles/bigquery.jobUser',
  // https://cloud.google.com/secret-manager/docs/access-control
  secretAccessor: 'roles/secretmanager.secretAccessor',
  // https://cloud.google.com/run/docs/securing/managing-access
  runInvoker: 'roles/run.invoker',
  // https://cloud.google.com/iam/docs/service-account-permissions#token-creator-role
  tokenCreator: 'roles/iam.serviceAccountTokenCreator',
  // Build: https://cloud.google.com/functions/docs/securing/build-custom-sa
  logWriter: 'roles/logging.logWriter',
  artifactWriter: 'roles/artifactregistry.writer',
} as const;

/**
 * Grants made on the project because the permission exists only there. The tests allow a
 * project-level binding only for a role listed here, and only with a condition when `conditioned`.
 */
export const PROJECT_LEVEL_GRANTS: readonly { role: string; conditioned: boolean; why: string }[] = [
  {
    role: ROLES.jobUser,
    conditioned: false,
    why: 'bigquery.jobs.create (run a query or load job) is a project permission; data access stays on the dataset',
  },
  {
    role: ROLES.logWriter,
    conditioned: false,
    why: 'the function build service account writes build logs, which are project-level log entries',
  },
  {
    role: ROLES.objectAdmin,
    conditioned: true,
    why:
      'the build reads the staged source from the gcf-v2-* buckets that Cloud Functions creates on its own; ' +
      'the condition limits the grant to those buckets',
  },
];

/** Primitive roles are never granted: each is far wider than any one need. */
export const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'] as const;

export const serviceAccountMember = (email: pulumi.Input<string>): pulumi.Output<string> => pulumi.interpolate`serviceAccount:${email}`;

/** The Pub/Sub service agent, which writes to dead-letter topics and mints push OIDC tokens. */
export const pubsubServiceAgent = (projectNumber: pulumi.Input<string>): pulumi.Output<string> =>
  pulumi.interpolate`serviceAccount:service-${projectNumber}@gcp-sa-pubsub.iam.gserviceaccount.com`;

/** An IAM condition limiting a bucket grant to objects under the given prefixes. */
export function objectPrefixCondition(bucket: pulumi.Input<string>, prefixes: readonly string[], title: string) {
  return {
    title,
    description: `Only objects under ${prefixes.join(', ')}`,
    expression: pulumi.output(bucket).apply((b) => prefixes.map((p) => `resource.name.startsWith("projects/_/buckets/${b}/objects/${p}")`).join(' || ')),
  };
}
