// The quarantine record of a rejected message: one JSON object holding why it was rejected and
// the message exactly as received (body base64, so even bytes that are not UTF-8 survive), so a
// person can fix the sender and replay it. Pure.
import { quarantineObjectName, sha256Hex, type Problem } from '../core/index.ts';
import type { PubSubMessage } from '../adapters/pubsub-message.ts';

export interface QuarantineRecord {
  readonly reason: string;
  readonly problems: readonly Problem[];
  readonly function: 'land';
  readonly messageId: string | null;
  readonly publishTime: string | null;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string | null;
  readonly subscription: string | null;
  readonly deliveryAttempt: number | null;
  readonly quarantinedAt: string;
  readonly payloadBytes: number;
  readonly payloadSha256: string;
  /** The body as received, base64 (a message body) or the whole event as JSON (an unreadable event). */
  readonly payloadBase64: string;
  readonly payloadKind: 'message-data' | 'event-json';
}

export interface Quarantined {
  readonly name: string;
  readonly record: QuarantineRecord;
}

export interface Rejection {
  readonly reason: string;
  readonly problems: readonly Problem[];
}

/** A message that arrived but is not a valid batch. Named by publish day and message id: a redelivery maps to the same object. */
export function quarantineMessage(message: PubSubMessage, rejection: Rejection, now: Date): Quarantined {
  const published = new Date(message.publishTime);
  const day = Number.isNaN(published.getTime()) || published.getTime() === 0 ? now : published;
  return {
    name: quarantineObjectName(day, message.messageId),
    record: {
      reason: rejection.reason,
      problems: rejection.problems,
      function: 'land',
      messageId: message.messageId,
      publishTime: message.publishTime,
      attributes: message.attributes,
      orderingKey: message.orderingKey ?? null,
      subscription: message.subscription ?? null,
      deliveryAttempt: message.deliveryAttempt ?? null,
      quarantinedAt: now.toISOString(),
      payloadBytes: message.data.byteLength,
      payloadSha256: sha256Hex(message.data),
      payloadBase64: message.data.toString('base64'),
      payloadKind: 'message-data',
    },
  };
}

/** An event that is not a Pub/Sub message at all: kept whole, named by its hash. */
export function quarantineEvent(event: unknown, reason: string, now: Date): Quarantined {
  const json = Buffer.from(safeJson(event), 'utf8');
  const hash = sha256Hex(json);
  return {
    name: quarantineObjectName(now, hash),
    record: {
      reason,
      problems: [{ path: '', reason }],
      function: 'land',
      messageId: null,
      publishTime: null,
      attributes: {},
      orderingKey: null,
      subscription: null,
      deliveryAttempt: null,
      quarantinedAt: now.toISOString(),
      payloadBytes: json.byteLength,
      payloadSha256: hash,
      payloadBase64: json.toString('base64'),
      payloadKind: 'event-json',
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
