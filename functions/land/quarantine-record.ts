// The quarantine record of a rejected message: one JSON object holding why it was rejected and
// the message exactly as received (body base64, so even bytes that are not UTF-8 survive), so a
// person can fix the sender and replay it. Pure.
import { quarantineObjectName, sha256Hex, type Problem } from '../core/index.ts';
import type { PubSubMessage } from '../adapters/pubsub-message.ts';

export interface QuarantineRecord {
  readonly reason: string;
  readonly problems: readonly Problem[];
  /** Problems found beyond those listed (at most MAX_PROBLEMS are). */
  readonly problemsOmitted?: number;
  /** Checking stopped at MAX_PROBLEMS; later readings were not looked at. */
  readonly checkingStopped?: boolean;
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

/**
 * A record to write: everything but the payload's base64, which quarantineBody adds while it
 * serialises (a 10 MB body would otherwise be held three times over as strings on the heap).
 */
export interface Quarantined {
  readonly name: string;
  readonly record: Omit<QuarantineRecord, 'payloadBase64'>;
  readonly payload: Buffer;
}

export interface Rejection {
  readonly reason: string;
  readonly problems: readonly Problem[];
  /** Problems found but not listed, and whether checking stopped early (bounded validation). */
  readonly omitted?: number;
  readonly stopped?: boolean;
}

/** Bytes of base64 encoded per step: a multiple of 3, so the pieces join into one base64 text. */
const BASE64_CHUNK = 3 * 256 * 1024;

/** The stored JSON of a quarantine record; the payload is encoded piece by piece into buffers. */
export function quarantineBody(q: Quarantined): Buffer {
  const head = JSON.stringify(q.record, null, 1);
  const parts = [Buffer.from(`${head.slice(0, -2)},\n "payloadBase64": "`, 'utf8')];
  for (let i = 0; i < q.payload.byteLength; i += BASE64_CHUNK) {
    parts.push(Buffer.from(q.payload.subarray(i, i + BASE64_CHUNK).toString('base64'), 'latin1'));
  }
  parts.push(Buffer.from('"\n}\n', 'utf8'));
  return Buffer.concat(parts);
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
      ...(rejection.omitted ? { problemsOmitted: rejection.omitted } : {}),
      ...(rejection.stopped ? { checkingStopped: true } : {}),
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
      payloadKind: 'message-data',
    },
    payload: message.data,
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
      payloadKind: 'event-json',
    },
    payload: json,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
