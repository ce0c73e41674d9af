// A function's access, written as data (what, on which resource, which role) and turned into one
// IAM member resource per grant. Members, never bindings or policies: a member resource adds one
// principal and leaves everyone else on the resource alone.
import * as gcp from '@pulumi/gcp';
import type * as pulumi from '@pulumi/pulumi';

interface Condition {
  readonly title: string;
  readonly description: string;
  readonly expression: pulumi.Input<string>;
}

interface Common {
  /** Short label for the resource name, e.g. `raw-object-creator`. */
  readonly what: string;
  readonly role: string;
}

export type Grant =
  | (Common & { readonly on: 'bucket'; readonly bucket: pulumi.Input<string>; readonly condition?: Condition })
  | (Common & { readonly on: 'topic'; readonly topic: pulumi.Input<string> })
  | (Common & { readonly on: 'secret'; readonly secretId: pulumi.Input<string> })
  | (Common & { readonly on: 'dataset'; readonly datasetId: pulumi.Input<string> })
  /** Only for roles in iam.ts PROJECT_LEVEL_GRANTS. */
  | (Common & { readonly on: 'project'; readonly project: string });

export function createGrant(name: string, grant: Grant, member: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const { role } = grant;
  switch (grant.on) {
    case 'bucket':
      return new gcp.storage.BucketIAMMember(name, { bucket: grant.bucket, role, member, condition: grant.condition }, opts);
    case 'topic':
      return new gcp.pubsub.TopicIAMMember(name, { topic: grant.topic, role, member }, opts);
    case 'secret':
      return new gcp.secretmanager.SecretIamMember(name, { secretId: grant.secretId, role, member }, opts);
    case 'dataset':
      return new gcp.bigquery.DatasetIamMember(name, { datasetId: grant.datasetId, role, member }, opts);
    case 'project':
      return new gcp.projects.IAMMember(name, { project: grant.project, role, member }, opts);
  }
}
