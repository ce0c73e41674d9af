// Ingestion: the Pub/Sub topics readings and alerts, their dead-letter topics and the pull
// subscriptions that hold dead letters until an operator replays or drops them. The push
// subscriptions that feed the functions belong to the functions (see push-trigger.ts).
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { DEAD_LETTER_SUBSCRIPTIONS, MESSAGE_RETENTION_SECONDS, TOPICS } from '../../functions/core/resources.ts';
import { pubsubServiceAgent, ROLES } from '../iam.ts';

export interface IngestionArgs {
  /** Project number, for the Pub/Sub service agent's address. */
  readonly projectNumber: pulumi.Input<string>;
  /** IAM members (gateways) allowed to publish to readings. */
  readonly readingsPublishers: readonly string[];
}

type TopicKey = keyof typeof TOPICS;

export class Ingestion extends pulumi.ComponentResource {
  readonly topics: Readonly<Record<TopicKey, gcp.pubsub.Topic>>;
  readonly holdSubscriptions: Readonly<Record<keyof typeof DEAD_LETTER_SUBSCRIPTIONS, gcp.pubsub.Subscription>>;

  constructor(name: string, args: IngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:Ingestion', name, {}, opts);
    const retention = `${MESSAGE_RETENTION_SECONDS}s`;
    const agent = pubsubServiceAgent(args.projectNumber);

    const topic = (key: TopicKey) =>
      new gcp.pubsub.Topic(
        TOPICS[key],
        // Topic retention lets an operator seek a subscription back in time after a bad deploy.
        { name: TOPICS[key], messageRetentionDuration: retention },
        { parent: this },
      );
    this.topics = {
      readings: topic('readings'),
      alerts: topic('alerts'),
      readingsDeadLetter: topic('readingsDeadLetter'),
      alertsDeadLetter: topic('alertsDeadLetter'),
    };

    // Pub/Sub forwards undeliverable messages as its own service agent, which therefore needs
    // publisher on each dead-letter topic. https://cloud.google.com/pubsub/docs/handling-failures#grant_forwarding_permissions
    for (const key of ['readingsDeadLetter', 'alertsDeadLetter'] as const) {
      new gcp.pubsub.TopicIAMMember(
        `${TOPICS[key]}-pubsub-agent-publisher`,
        { topic: this.topics[key].name, role: ROLES.publisher, member: agent },
        { parent: this },
      );
    }

    const hold = (key: keyof typeof DEAD_LETTER_SUBSCRIPTIONS) => {
      const spec = DEAD_LETTER_SUBSCRIPTIONS[key];
      const source = key === 'readings' ? this.topics.readingsDeadLetter : this.topics.alertsDeadLetter;
      return new gcp.pubsub.Subscription(
        spec.name,
        {
          name: spec.name,
          topic: source.id,
          ackDeadlineSeconds: 600,
          messageRetentionDuration: retention,
          // Never expire: a hold subscription is idle by design until something fails.
          expirationPolicy: { ttl: '' },
        },
        { parent: this },
      );
    };
    this.holdSubscriptions = { readings: hold('readings'), alerts: hold('alerts') };

    args.readingsPublishers.forEach((member, i) => {
      new gcp.pubsub.TopicIAMMember(`readings-publisher-${i}`, { topic: this.topics.readings.name, role: ROLES.publisher, member }, { parent: this });
    });

    this.registerOutputs({
      topics: Object.fromEntries(Object.entries(this.topics).map(([k, t]) => [k, t.name])),
      holdSubscriptions: Object.fromEntries(Object.entries(this.holdSubscriptions).map(([k, s]) => [k, s.name])),
    });
  }
}
