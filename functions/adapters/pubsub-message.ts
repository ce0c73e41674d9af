// The Pub/Sub envelope: what land, detect and notify receive, unwrapped to one plain message.
// Three shapes reach a CloudEvent function, and all carry the same message:
//   1. a CloudEvent whose data is MessagePublishedData {message, subscription} (Eventarc, or the
//      Functions Framework converting a push body whose path names the topic);
//   2. the same, where the framework converted a push body into {message: {'@type', data,
//      attributes, messageId, publishTime}} (it drops subscription and orderingKey);
//   3. a raw push body {message, subscription}: the framework converts a push body only when
//      `message.data` is non-empty, so a message with attributes but no data arrives unconverted.
// https://cloud.google.com/eventarc/docs/cloudevents#pubsub
// https://github.com/googleapis/google-cloudevents/blob/main/proto/google/events/cloud/pubsub/v1/data.proto

export interface PubSubMessage {
  readonly messageId: string;
  /** RFC 3339; the message's publish time (stable across redeliveries). */
  readonly publishTime: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The message body as sent: any bytes, possibly not UTF-8, possibly empty. */
  readonly data: Buffer;
  readonly orderingKey: string | undefined;
  readonly subscription: string | undefined;
  readonly deliveryAttempt: number | undefined;
}

export type EnvelopeResult = { readonly ok: true; readonly message: PubSubMessage } | { readonly ok: false; readonly reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Unwraps any of the three shapes; a failure says which field was wrong. */
export function readPubSubEvent(event: unknown): EnvelopeResult {
  if (!isObj(event)) return fail(`the event is ${describe(event)}, not an object`);
  // Shape 1/2: CloudEvent with data; shape 3: the push body itself.
  const data = isObj(event.data) ? event.data : isObj(event.message) ? event : undefined;
  if (data === undefined) return fail('the event has neither data.message (a Pub/Sub CloudEvent) nor message (a push body)');
  const message = data.message;
  if (!isObj(message)) return fail(`data.message is ${describe(message)}, not a Pub/Sub message`);

  const messageId = str(message.messageId) ?? str(message.message_id) ?? (data === event ? undefined : str(event.id));
  if (messageId === undefined) return fail('the message has no messageId');
  const publishTime = str(message.publishTime) ?? str(message.publish_time) ?? (data === event ? undefined : str(event.time)) ?? new Date(0).toISOString();

  const rawData = message.data ?? '';
  if (typeof rawData !== 'string') return fail(`message.data of message ${messageId} is not base64 text`);
  const bytes = Buffer.from(rawData, 'base64');
  // Text that encodes back to itself is canonical base64, which the pattern accepts: a native
  // round trip costs a fraction of running the pattern over a 100 kB body. Other text gets the pattern.
  if (bytes.toString('base64') !== rawData && (!BASE64.test(rawData) || rawData.length % 4 !== 0)) {
    return fail(`message.data of message ${messageId} is not base64 text`);
  }
  const attributes: Record<string, string> = {};
  if (message.attributes !== undefined && message.attributes !== null) {
    if (!isObj(message.attributes)) return fail(`message.attributes of message ${messageId} is not an object`);
    for (const [k, v] of Object.entries(message.attributes)) if (typeof v === 'string') attributes[k] = v;
  }
  const attempt = data.deliveryAttempt ?? event.deliveryAttempt;
  return {
    ok: true,
    message: {
      messageId,
      publishTime,
      attributes,
      data: bytes,
      orderingKey: str(message.orderingKey) ?? str(message.ordering_key),
      subscription: str(data.subscription),
      deliveryAttempt: typeof attempt === 'number' && Number.isInteger(attempt) ? attempt : undefined,
    },
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function fail(why: string): EnvelopeResult {
  return {
    ok: false,
    reason: `not a Pub/Sub message event: ${why}; deliver a Pub/Sub push body to a path naming the topic (/projects/P/topics/T) or a google.cloud.pubsub.topic.v1.messagePublished CloudEvent`,
  };
}
