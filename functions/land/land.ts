// land: decode the Pub/Sub event → validate the batch (core) → write its raw objects, or
// quarantine it. Returns normally for landed and quarantined input (Pub/Sub acks); throws only on
// a transient or deployment fault (storage unreachable, a missing grant), so Pub/Sub retries with
// backoff and, after maxDeliveryAttempts, moves the message to the dead-letter topic. A fault that
// is this message's own (a name that cannot be made, a write Cloud Storage refuses as bad) is a
// quarantine with its reason, never a retry. Nothing is lost either way.
import type { Storage } from '@google-cloud/storage';
import { DEFAULT_BATCH_LIMITS, decodeReadingsMessage, type BatchLimits, type ReadingBatch } from '../core/index.ts';
import type { Logger } from '../adapters/log.ts';
import { readPubSubEvent, type PubSubMessage } from '../adapters/pubsub-message.ts';
import { createOnce, gzipNdjson, NDJSON_GZIP, type CreateOutcome } from '../adapters/raw-objects.ts';
import { classifyError, metadataValue } from '../adapters/storage-errors.ts';
import { mapLimit } from './map-limit.ts';
import { planRawObjects, type PlannedObject } from './raw-batch-objects.ts';
import { quarantineBody, quarantineEvent, quarantineMessage, type Quarantined } from './quarantine-record.ts';

export interface LandOptions {
  readonly storage: Storage;
  readonly rawBucket: string;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Time range and days per batch (functions/core/batch-limits.ts); detect must use the same. */
  readonly limits?: BatchLimits;
  /** Object writes in flight per invocation. */
  readonly maxParallelWrites?: number;
}

export type LandHandler = (event: unknown) => Promise<void>;

/** Custom metadata key holding rawContentHash of a raw object's rows. */
export const CONTENT_HASH_META = 'contentSha256';

/** Writes in flight per invocation: enough to hide latency, few enough for 256 MiB and one socket pool. */
export const DEFAULT_PARALLEL_WRITES = 8;

/** Cloud Storage refused a request built from this message: retrying cannot help. */
class RefusedWrite extends Error {}

type ObjectOutcome = 'created' | 'exists' | 'created-beside';

export function createLand(options: LandOptions): LandHandler {
  const bucket = options.storage.bucket(options.rawBucket);
  const now = options.now ?? (() => new Date());
  const limits = options.limits ?? DEFAULT_BATCH_LIMITS;
  const parallel = options.maxParallelWrites ?? DEFAULT_PARALLEL_WRITES;
  const { log } = options;
  const where = (name: string) => `gs://${options.rawBucket}/${name}`;

  async function quarantine(q: Quarantined, message: PubSubMessage | undefined, started: number): Promise<void> {
    const outcome = await storageCall('write the quarantine object', q.name, () =>
      createOnce(bucket, q.name, quarantineBody(q), { contentType: 'application/json' }),
    );
    log.warn(`quarantined message ${q.record.messageId ?? '(no id)'}: ${q.record.reason}`, {
      event: 'land.batch',
      outcome: outcome === 'created' ? 'quarantined' : 'already-quarantined',
      reason: q.record.reason,
      // The quarantine-volume alert counts per site: the site attribute, else the ordering key.
      site: q.record.attributes.site ?? q.record.orderingKey ?? 'unknown',
      object: where(q.name),
      ...messageFields(message),
      durationMs: Math.round(performance.now() - started),
    });
  }

  /** Runs one storage call; sorts a failure into a refusal (quarantine) or a fault worth a retry (throw). */
  async function storageCall<T>(what: string, name: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      const kind = classifyError(err);
      if (kind === 'permanent') throw new RefusedWrite(`Cloud Storage refused to ${what} ${where(name)} (${cause})`, { cause: err });
      throw new Error(
        `land could not ${what} ${where(name)} (${cause}); the message is not acked, so Pub/Sub will deliver it again. ` +
          (kind === 'deployment'
            ? 'This is a deployment fault: check that the bucket exists and the function may create objects under readings/ and quarantine/ and read readings/.'
            : "If this persists, check Cloud Storage status and the function's network."),
        { cause: err },
      );
    }
  }

  /** One day's object: created; already there with the same content; or landed beside a different one. */
  async function landObject(o: PlannedObject, message: PubSubMessage, batch: ReadingBatch): Promise<ObjectOutcome> {
    const body = await gzipNdjson(o.rows);
    const options = {
      ...NDJSON_GZIP,
      metadata: { messageId: metadataValue(message.messageId), source: metadataValue(batch.source), [CONTENT_HASH_META]: o.contentHash },
    };
    if ((await storageCall('write the raw object', o.name, () => createOnce(bucket, o.name, body, options))) === 'created') return 'created';
    const [existing] = await storageCall('read the metadata of', o.name, () => bucket.file(o.name).getMetadata());
    const theirs = existing.metadata?.[CONTENT_HASH_META];
    if (theirs === o.contentHash) return 'exists';
    // A reused batch id with other readings (a gateway whose counter restarted): both are real.
    const beside: CreateOutcome = await storageCall('write the raw object', o.conflictName, () => createOnce(bucket, o.conflictName, body, options));
    if (beside === 'exists') return 'exists'; // this very resend landed before
    log.warn(
      `batch id ${batch.batchId} of site ${batch.site} was reused with other readings on ${o.day} (a gateway whose batch counter restarted?): ` +
        `${where(o.name)} holds content sha256 ${String(theirs ?? 'unknown (written before content hashes)')}, this message ${o.contentHash}; ` +
        `landed it as ${where(o.conflictName)}. Nothing is dropped; give each gateway batch a unique id.`,
      {
        event: 'land.batch-id-reused',
        batchId: batch.batchId,
        site: batch.site,
        day: o.day,
        existingSha256: theirs ?? null,
        sha256: o.contentHash,
        object: where(o.conflictName),
        ...messageFields(message),
      },
    );
    return 'created-beside';
  }

  /** One batch into the raw zone; a reason when Cloud Storage refuses it as such (quarantine, no retry). */
  async function landBatch(batch: ReadingBatch, message: PubSubMessage, receivedAt: Date, started: number): Promise<string | undefined> {
    let planned: PlannedObject[];
    try {
      planned = planRawObjects(batch, receivedAt);
    } catch (err) {
      return `could not name the raw objects of batch ${JSON.stringify(batch.batchId)} from site ${batch.site}: ${err instanceof Error ? err.message : String(err)}; fix the batch and resend`;
    }
    let outcomes: ObjectOutcome[];
    try {
      outcomes = await mapLimit(planned, parallel, (o) => landObject(o, message, batch));
    } catch (err) {
      if (!(err instanceof RefusedWrite)) throw err;
      return `${err.message}; the request built from this message is refused as such, so it is quarantined, not retried: fix the sender and replay it`;
    }
    const created = outcomes.filter((o) => o !== 'exists').length;
    const beside = outcomes.filter((o) => o === 'created-beside').length;
    log.info(
      `${created > 0 ? 'landed' : 'already landed'} batch ${batch.batchId} of site ${batch.site}: ${batch.readings.length} readings in ${planned.length} object(s)`,
      {
        event: 'land.batch',
        outcome: beside > 0 ? 'landed-beside-reused-id' : created > 0 ? 'landed' : 'already-landed',
        batchId: batch.batchId,
        site: batch.site,
        source: batch.source,
        readings: batch.readings.length,
        objects: planned.map((o, i) => where(outcomes[i] === 'created-beside' ? o.conflictName : o.name)),
        created,
        ...messageFields(message),
        durationMs: Math.round(performance.now() - started),
      },
    );
    return undefined;
  }

  return async function land(event: unknown): Promise<void> {
    const started = performance.now();
    const receivedAt = now();
    const envelope = readPubSubEvent(event);
    const message = envelope.ok ? envelope.message : undefined;
    try {
      if (!envelope.ok) return await quarantine(quarantineEvent(event, envelope.reason, receivedAt), undefined, started);
      const { message } = envelope;
      const decoded = decodeReadingsMessage(message.data, message.attributes, receivedAt, limits);
      if (!decoded.ok) return await quarantine(quarantineMessage(message, decoded, receivedAt), message, started);
      const refuse = (reason: string) => quarantine(quarantineMessage(message, { reason, problems: [{ path: '', reason }] }, receivedAt), message, started);
      // A Telegraf message may hold several sites: one batch each. A refusal quarantines the whole
      // message; objects already written stay, and a replay finds them by content.
      for (const batch of decoded.batches) {
        const refused = await landBatch(batch, message, receivedAt, started);
        if (refused !== undefined) return await refuse(refused);
      }
      // Telegraf metrics that could not be mapped: quarantined with the whole message, beside the rest that landed.
      if (decoded.rejectedReason !== undefined) {
        await quarantine(quarantineMessage(message, { reason: decoded.rejectedReason, problems: decoded.rejected }, receivedAt), message, started);
      }
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
