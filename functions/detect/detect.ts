// detect: decode the Pub/Sub event → validate the batch (core) → current rules (hot-reloaded from
// the config bucket) → evaluate on the site's alarm state, committed with a generation match →
// alarm events to the raw zone and the alerts topic. Invalid batches are acked and logged (land
// quarantines them); transient faults, and having no rules at all, throw so Pub/Sub retries and,
// in the end, dead-letters.
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { checkShards, decodeReadingsMessage, OBJECTS, type BatchLimits, type ReadingBatch } from '../core/index.ts';
import { createAlarmStateStore } from '../adapters/alarm-state-store.ts';
import { createAlertPublisher } from '../adapters/alert-publisher.ts';
import type { Logger } from '../adapters/log.ts';
import { readPubSubEvent } from '../adapters/pubsub-message.ts';
import { rulesCache } from '../adapters/rules-cache.ts';
import { processSiteBatch } from '../adapters/site-commit.ts';
import { createSiteRegistry } from '../adapters/site-registry.ts';
import { createLiveSnapshotWriter } from '../adapters/live-snapshot-writer.ts';

export interface DetectOptions {
  readonly storage: Storage;
  readonly pubsub: PubSub;
  readonly rawBucket: string;
  readonly configBucket: string;
  readonly alertsTopic: string;
  readonly log: Logger;
  /** How long a checked rules generation is trusted (see object-cache.ts). */
  readonly rulesCheckEveryMs: number;
  readonly maxCommitAttempts?: number;
  /** State objects per site (functions/core/state-shards.ts); default 1. The sweep must use the same. */
  readonly stateShards?: number;
  readonly now?: () => Date;
  /** The same limits land validates with, so detect never evaluates a batch land quarantines. */
  readonly batchLimits?: BatchLimits;
}

export type DetectHandler = (event: unknown) => Promise<void>;

/** No rules to evaluate with: the batch must be retried, not acked. */
export class NoRulesError extends Error {
  override readonly name = 'NoRulesError';
}

export function createDetect(options: DetectOptions): DetectHandler {
  const now = options.now ?? (() => new Date());
  const { log } = options;
  const rules = rulesCache(options);
  const bucket = options.storage.bucket(options.rawBucket);
  const deps = {
    bucket,
    store: createAlarmStateStore(bucket),
    publisher: createAlertPublisher(options.pubsub, options.alertsTopic),
    maxAttempts: options.maxCommitAttempts ?? 8,
    shards: checkShards(options.stateShards ?? 1, 'the number of alarm state shards (PLANTLAKE_STATE_SHARDS)'),
  };
  const sites = createSiteRegistry(bucket);
  const live = createLiveSnapshotWriter(bucket, log);

  return async function detect(event: unknown): Promise<void> {
    const started = performance.now();
    const at = now();
    const envelope = readPubSubEvent(event);
    if (!envelope.ok) {
      log.warn(`skipped an event: ${envelope.reason}`, { event: 'detect.batch', outcome: 'skipped-invalid', reason: envelope.reason });
      return;
    }
    const message = envelope.message;
    const ids = { messageId: message.messageId, deliveryAttempt: message.deliveryAttempt ?? null };
    const decoded = decodeReadingsMessage(message.data, message.attributes, at, options.batchLimits);
    if (!decoded.ok) {
      // land quarantines the same message with this reason; detect has nothing to evaluate.
      log.info(`skipped invalid batch (land quarantines it): ${decoded.reason}`, {
        event: 'detect.batch',
        outcome: 'skipped-invalid',
        reason: decoded.reason,
        ...ids,
      });
      return;
    }
    // A Telegraf message may hold several sites: one batch each, evaluated in turn.
    for (const batch of decoded.batches) await detectBatch(batch, ids, at, started);
  };

  async function detectBatch(batch: ReadingBatch, ids: Record<string, unknown>, at: Date, started: number): Promise<void> {
    const fields = { batchId: batch.batchId, site: batch.site, readings: batch.readings.length, ...ids };
    try {
      const current = await rules.get();
      if (current === null) {
        // Never ack a batch unevaluated: Pub/Sub retries it with backoff, then dead-letters it
        // (replayable), so a rules gap delays alarms instead of losing them.
        const reason = `no usable alarm rules at gs://${options.configBucket}/${OBJECTS.rules} (missing, or invalid: see detect.rules-invalid) and none loaded before; batch ${batch.batchId} is not acked and Pub/Sub will retry it. Upload a valid rules file (npx plantlake rules push) to evaluate it.`;
        log.error(reason, { event: 'detect.batch', outcome: 'no-rules', ...fields, durationMs: Math.round(performance.now() - started) });
        throw new NoRulesError(reason);
      }
      const result = await processSiteBatch(deps, batch, current, at);
      await sites.ensure(batch.site); // so the STALE sweep judges the site when it falls silent
      await live.update(batch, { events: result.events, state: result.state, rules: current }, at);
      log.info(`${result.outcome} batch ${batch.batchId} of site ${batch.site}: ${result.events.length} alarm event(s)`, {
        event: 'detect.batch',
        outcome: result.outcome,
        ...fields,
        rulesVersion: current.version,
        events: result.events.map((e) => `${e.tag} ${e.condition} ${e.transition}`),
        eventIds: result.events.map((e) => e.eventId),
        objects: result.objects.map((n) => `gs://${options.rawBucket}/${n}`),
        attempts: result.attempts,
        recoveredOutboxes: result.recovered,
        durationMs: Math.round(performance.now() - started),
      });
    } catch (err) {
      if (err instanceof NoRulesError) throw err; // logged above
      const cause = err instanceof Error ? err.message : String(err);
      log.error(`detect failed on batch ${batch.batchId} of site ${batch.site}, Pub/Sub will retry it: ${cause}`, {
        event: 'detect.batch',
        outcome: 'retry',
        ...fields,
        durationMs: Math.round(performance.now() - started),
      });
      throw err;
    }
  }
}
