// land: decode the Pub/Sub event → validate the batch (core) → write its raw objects, or
// quarantine it. Returns normally for landed and quarantined input (Pub/Sub acks); throws only on
// a transient fault (storage unreachable), so Pub/Sub retries with backoff and, after
// maxDeliveryAttempts, moves the message to the dead-letter topic. Nothing is lost either way.
import type { Storage } from '@google-cloud/storage';
import { parseBatch } from '../core/index.ts';
import type { Logger } from '../adapters/log.ts';
import { readPubSubEvent, type PubSubMessage } from '../adapters/pubsub-message.ts';
import { createOnce, gzipNdjson, NDJSON_GZIP, type CreateOutcome } from '../adapters/raw-objects.ts';
import { planRawObjects } from './raw-batch-objects.ts';
import { quarantineEvent, quarantineMessage, type Quarantined } from './quarantine-record.ts';

export interface LandOptions {
  readonly storage: Storage;
  readonly rawBucket: string;
  readonly log: Logger;
  readonly now?: () => Date;
}

export type LandHandler = (event: unknown) => Promise<void>;

export function createLand(options: LandOptions): LandHandler {
  const bucket = options.storage.bucket(options.rawBucket);
  const now = options.now ?? (() => new Date());
  const { log } = options;

  async function quarantine(q: Quarantined, message: PubSubMessage | undefined, started: number): Promise<void> {
    const outcome = await write('quarantine', q.name, () =>
      createOnce(bucket, q.name, `${JSON.stringify(q.record, null, 1)}\n`, { contentType: 'application/json' }),
    );
    log.warn(`quarantined message ${q.record.messageId ?? '(no id)'}: ${q.record.reason}`, {
      event: 'land.batch',
      outcome: outcome === 'created' ? 'quarantined' : 'already-quarantined',
      reason: q.record.reason,
      // The quarantine-volume alert counts per site: the site attribute, else the ordering key.
      site: q.record.attributes.site ?? q.record.orderingKey ?? 'unknown',
      object: `gs://${options.rawBucket}/${q.name}`,
      ...messageFields(message),
      durationMs: Math.round(performance.now() - started),
    });
  }

  /** Runs one storage write; any failure but "already exists" is transient: log it and throw for a retry. */
  async function write(what: string, name: string, run: () => Promise<CreateOutcome>): Promise<CreateOutcome> {
    try {
      return await run();
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      throw new Error(
        `land could not write the ${what} object gs://${options.rawBucket}/${name} (${cause}); the message is not acked, ` +
          'so Pub/Sub will deliver it again. If this persists, check that the bucket exists and the function may create objects in it.',
        { cause: err },
      );
    }
  }

  return async function land(event: unknown): Promise<void> {
    const started = performance.now();
    const receivedAt = now();
    const envelope = readPubSubEvent(event);
    const message = envelope.ok ? envelope.message : undefined;
    try {
      if (!envelope.ok) return await quarantine(quarantineEvent(event, envelope.reason, receivedAt), undefined, started);
      const { message } = envelope;
      const parsed = parseBatch(message.data, receivedAt);
      if (!parsed.ok) return await quarantine(quarantineMessage(message, parsed, receivedAt), message, started);

      const { batch } = parsed;
      const planned = planRawObjects(batch, receivedAt);
      const outcomes = await Promise.all(
        planned.map(async (o) => {
          const body = await gzipNdjson(o.rows);
          return write('raw', o.name, () =>
            createOnce(bucket, o.name, body, { ...NDJSON_GZIP, metadata: { messageId: message.messageId, source: batch.source } }),
          );
        }),
      );
      const created = outcomes.filter((o) => o === 'created').length;
      log.info(`${created > 0 ? 'landed' : 'already landed'} batch ${batch.batchId} of site ${batch.site}: ${batch.readings.length} readings in ${planned.length} object(s)`, {
        event: 'land.batch',
        outcome: created > 0 ? 'landed' : 'already-landed',
        batchId: batch.batchId,
        site: batch.site,
        source: batch.source,
        readings: batch.readings.length,
        objects: planned.map((o) => `gs://${options.rawBucket}/${o.name}`),
        created,
        ...messageFields(message),
        durationMs: Math.round(performance.now() - started),
      });
    } catch (err) {
      log.error(err instanceof Error ? err.message : String(err), {
        event: 'land.batch',
        outcome: 'retry',
        ...messageFields(message),
        durationMs: Math.round(performance.now() - started),
      });
      throw err;
    }
  };
}

function messageFields(message: PubSubMessage | undefined): Record<string, unknown> {
  if (message === undefined) return {};
  return {
    messageId: message.messageId,
    publishTime: message.publishTime,
    deliveryAttempt: message.deliveryAttempt ?? null,
    bytes: message.data.byteLength,
  };
}
