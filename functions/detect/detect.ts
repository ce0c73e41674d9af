// detect: decode the Pub/Sub event → validate the batch (core) → current rules (hot-reloaded from
// the config bucket) → evaluate on the site's alarm state, committed with a generation match →
// alarm events to the raw zone and the alerts topic. Invalid batches are acked and logged (land
// quarantines them); transient faults throw so Pub/Sub retries and, in the end, dead-letters.
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { OBJECTS, decodeReadingsMessage, parseRules, type CompiledRules, type ReadingBatch } from '../core/index.ts';
import { createAlarmStateStore } from '../adapters/alarm-state-store.ts';
import { createAlertPublisher } from '../adapters/alert-publisher.ts';
import type { Logger } from '../adapters/log.ts';
import { createObjectCache, type ObjectCache } from '../adapters/object-cache.ts';
import { readPubSubEvent } from '../adapters/pubsub-message.ts';
import { processSiteBatch } from './site-commit.ts';

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
  readonly now?: () => Date;
}

export type DetectHandler = (event: unknown) => Promise<void>;

export function rulesCache(options: Pick<DetectOptions, 'storage' | 'configBucket' | 'log' | 'rulesCheckEveryMs'>): ObjectCache<CompiledRules> {
  const where = `gs://${options.configBucket}/${OBJECTS.rules}`;
  return createObjectCache<CompiledRules>({
    bucket: options.storage.bucket(options.configBucket),
    name: OBJECTS.rules,
    checkEveryMs: options.rulesCheckEveryMs,
    parse: (text) => {
      const result = parseRules(text);
      return result.ok ? { ok: true, value: result.rules } : { ok: false, reason: result.reason };
    },
    onLoaded: (generation, rules) =>
      options.log.info(`loaded rules version ${rules.version} (${rules.ruleCount} rules) from ${where}`, {
        event: 'detect.rules',
        rulesVersion: rules.version,
        generation,
      }),
    onInvalid: (generation, reason) =>
      options.log.error(`${where} generation ${generation} was not loaded, the previous rules stay in use: ${reason}`, {
        event: 'detect.rules-invalid',
        generation,
        reason,
      }),
    onStale: (err) =>
      options.log.warn(`could not check ${where} for changes (${err instanceof Error ? err.message : String(err)}); using the rules loaded before`, {
        event: 'detect.rules-stale',
      }),
  });
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
  };

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
    const decoded = decodeReadingsMessage(message.data, message.attributes, at);
    if (!decoded.ok) {
      // land quarantines the same message with this reason; detect has nothing to evaluate.
      log.info(`skipped invalid batch (land quarantines it): ${decoded.reason}`, { event: 'detect.batch', outcome: 'skipped-invalid', reason: decoded.reason, ...ids });
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
        log.warn(`no usable alarm rules at gs://${options.configBucket}/${OBJECTS.rules} (missing, or invalid: see detect.rules-invalid); batch ${batch.batchId} was not evaluated. Upload a valid rules file to enable alarms.`, {
          event: 'detect.batch',
          outcome: 'no-rules',
          ...fields,
        });
        return;
      }
      const result = await processSiteBatch(deps, batch, current, at);
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
