// detect: decode the Pub/Sub event → validate the batch (core) → current rules (hot-reloaded from
// the config bucket) → evaluate on the site's alarm state, committed with a generation match →
// alarm events to the raw zone and the alerts topic. Invalid batches are acked and logged (land
// quarantines them); transient faults, and having no rules at all, throw so Pub/Sub retries and,
// in the end, dead-letters.
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { checkShards, OBJECTS, parseBatch, parseRules, type BatchLimits, type CompiledRules } from '../core/index.ts';
import { createAlarmStateStore } from '../adapters/alarm-state-store.ts';
import { createAlertPublisher } from '../adapters/alert-publisher.ts';
import type { Logger } from '../adapters/log.ts';
import { createObjectCache, type ObjectCache } from '../adapters/object-cache.ts';
import { readPubSubEvent } from '../adapters/pubsub-message.ts';
import { processSiteBatch } from './site-commit.ts';
import { createSiteRegistry } from './site-registry.ts';

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
    onMissing: (kept) =>
      kept === null
        ? options.log.error(`${where} does not exist and this instance has no earlier rules: batches are not acked (Pub/Sub retries them) until a valid rules file is uploaded`, {
            event: 'detect.rules-missing',
          })
        : options.log.warn(`${where} does not exist (a deployment replacing it?); rules version ${kept.version} loaded before stays in use`, {
            event: 'detect.rules-missing',
            rulesVersion: kept.version,
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
    shards: checkShards(options.stateShards ?? 1, 'the number of alarm state shards (PLANTLAKE_STATE_SHARDS)'),
  };
  const sites = createSiteRegistry(bucket);

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
    const parsed = parseBatch(message.data, at, options.batchLimits);
    if (!parsed.ok) {
      // land quarantines the same message with this reason; detect has nothing to evaluate.
      log.info(`skipped invalid batch (land quarantines it): ${parsed.reason}`, { event: 'detect.batch', outcome: 'skipped-invalid', reason: parsed.reason, ...ids });
      return;
    }
    const { batch } = parsed;
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
  };
}
