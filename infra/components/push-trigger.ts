// How a topic reaches a CloudEvent function: an explicit Pub/Sub push subscription to the
// function's Cloud Run URL, authenticated with an OIDC token of a push identity that may invoke
// that one function and nothing else.
//
// Why not the function's own eventTrigger (Eventarc)? Eventarc creates and owns the subscription,
// so its dead-letter policy, retry backoff, ack deadline and message ordering are not ours to set
// and would be reverted on the next deploy. The design needs all four (resources.ts SUBSCRIPTIONS),
// so we own the subscription. The push path names the topic (/projects/P/topics/T), which is what
// the Functions Framework needs to turn a raw push body into a CloudEvent.
// https://cloud.google.com/pubsub/docs/create-push-subscription#authentication
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { MESSAGE_RETENTION_SECONDS, type SubscriptionSpec } from '../../functions/core/resources.ts';
import { pubsubServiceAgent, ROLES, serviceAccountMember } from '../iam.ts';
import type { FunctionService } from './function-service.ts';

export interface PushTriggerArgs {
  readonly project: string;
  readonly region: string;
  readonly projectNumber: pulumi.Input<string>;
  readonly spec: SubscriptionSpec;
  readonly topic: gcp.pubsub.Topic;
  readonly deadLetterTopic: gcp.pubsub.Topic;
  readonly target: FunctionService;
}

export class PushTrigger extends pulumi.ComponentResource {
  readonly pushIdentity: gcp.serviceaccount.Account;
  readonly subscription: gcp.pubsub.Subscription;

  constructor(name: string, args: PushTriggerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:PushTrigger', name, {}, opts);
    const { spec } = args;
    const fnName = args.target.functionName;
    const agent = pubsubServiceAgent(args.projectNumber);

    this.pushIdentity = new gcp.serviceaccount.Account(
      `${name}-push`,
      {
        accountId: `plantlake-push-${fnName}`,
        displayName: `plantlake push to ${fnName}`,
        description: `Identity of the ${spec.name} push subscription; may invoke that one function only`,
      },
      { parent: this },
    );
    const pushMember = serviceAccountMember(this.pushIdentity.email);

    // Invoker on this function's Cloud Run service only (a 2nd gen function's service has the
    // function's name). https://cloud.google.com/functions/docs/securing/authenticating
    const invoker = new gcp.cloudrunv2.ServiceIamMember(
      `${name}-push-invoker`,
      { project: args.project, location: args.region, name: args.target.fn.name, role: ROLES.runInvoker, member: pushMember },
      { parent: this },
    );

    // The Pub/Sub service agent signs the OIDC token as the push identity. Required for projects
    // created before 8 April 2021, harmless after; scoped to this one account.
    // https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
    const tokenCreator = new gcp.serviceaccount.IAMMember(
      `${name}-push-token-creator`,
      { serviceAccountId: this.pushIdentity.name, role: ROLES.tokenCreator, member: agent },
      { parent: this },
    );

    this.subscription = new gcp.pubsub.Subscription(
      spec.name,
      {
        name: spec.name,
        topic: args.topic.id,
        ackDeadlineSeconds: spec.ackDeadlineSeconds,
        enableMessageOrdering: spec.enableMessageOrdering,
        messageRetentionDuration: `${MESSAGE_RETENTION_SECONDS}s`,
        expirationPolicy: { ttl: '' },
        retryPolicy: {
          minimumBackoff: `${spec.retryMinimumBackoffSeconds}s`,
          maximumBackoff: `${spec.retryMaximumBackoffSeconds}s`,
        },
        deadLetterPolicy: {
          deadLetterTopic: args.deadLetterTopic.id,
          maxDeliveryAttempts: spec.maxDeliveryAttempts,
        },
        pushConfig: {
          pushEndpoint: pulumi.interpolate`${args.target.uri}/projects/${args.project}/topics/${spec.topic}`,
          oidcToken: {
            serviceAccountEmail: this.pushIdentity.email,
            // Cloud Run accepts its service URL as audience.
            audience: args.target.uri,
          },
        },
      },
      { parent: this, dependsOn: [invoker, tokenCreator] },
    );

    // To forward a message to the dead-letter topic, the service agent must also be able to ack
    // it on the source subscription.
    // https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions
    new gcp.pubsub.SubscriptionIAMMember(
      `${name}-pubsub-agent-subscriber`,
      { subscription: this.subscription.name, role: ROLES.subscriber, member: agent },
      { parent: this },
    );

    this.registerOutputs({ subscription: this.subscription.name, pushIdentity: this.pushIdentity.email });
  }
}
