// The body Pub/Sub POSTs to a push endpoint, built from a pulled message, field for field as
// Google sends it (proto3 JSON: empty data and attributes are left out; message_id and
// publish_time are sent in both spellings; deliveryAttempt only with a dead-letter policy).
// https://cloud.google.com/pubsub/docs/push#receive_push
export interface PushBody {
  message: {
    data?: string;
    attributes?: Record<string, string>;
    messageId: string;
    message_id: string;
    publishTime: string;
    publish_time: string;
    orderingKey?: string;
  };
  subscription: string;
  deliveryAttempt?: number;
}

export interface PulledMessage {
  readonly id: string;
  readonly data: Buffer;
  readonly attributes: Readonly<Record<string, string>>;
  readonly publishTime: { toISOString(): string };
  readonly orderingKey?: string | undefined;
  readonly deliveryAttempt?: number | undefined;
}

export function pushBody(message: PulledMessage, subscriptionPath: string): PushBody {
  const publishTime = message.publishTime.toISOString();
  return {
    message: {
      ...(message.data.byteLength > 0 ? { data: message.data.toString('base64') } : {}),
      ...(Object.keys(message.attributes).length > 0 ? { attributes: { ...message.attributes } } : {}),
      messageId: message.id,
      message_id: message.id,
      publishTime,
      publish_time: publishTime,
      ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
    },
    subscription: subscriptionPath,
    ...(message.deliveryAttempt ? { deliveryAttempt: message.deliveryAttempt } : {}),
  };
}

/**
 * The push endpoint path that makes the Functions Framework turn the body into a CloudEvent:
 * it reads the topic from `projects/P/topics/T` in the path (its pubsub_middleware), the same
 * path infra/components/push-trigger.ts gives the real push subscriptions.
 */
export function pushPath(projectId: string, topic: string): string {
  return `/projects/${projectId}/topics/${topic}`;
}
