// The STALE sweep: what a batch cannot do for a site that sends none. Once a minute (Cloud
// Scheduler) it judges every listed site's tags against the receive time — evaluate(state, null,
// rules, now) — through the same commit and outbox path as detect's batches (commitSite), so a
// site that stops sending raises STALE within its stale timeout plus one tick, and the first batch
// after the silence clears it. A site whose STALE conditions do not change writes nothing.
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import { checkShards, evaluate } from '../core/index.ts';
import { createAlarmStateStore } from '../adapters/alarm-state-store.ts';
import { createAlertPublisher } from '../adapters/alert-publisher.ts';
import type { Logger } from '../adapters/log.ts';
import { rulesCache } from '../adapters/rules-cache.ts';
import { commitSite, siteShards } from '../adapters/site-commit.ts';
import { createLiveSnapshotWriter } from '../adapters/live-snapshot-writer.ts';
import { createSiteRegistry } from '../adapters/site-registry.ts';

export interface SweepOptions {
  readonly storage: Storage;
  readonly pubsub: PubSub;
  readonly rawBucket: string;
  readonly configBucket: string;
  readonly alertsTopic: string;
  readonly log: Logger;
  readonly rulesCheckEveryMs: number;
  /** Sites judged at once. Default 8. */
  readonly concurrency?: number;
  /** State objects per site, as detect has them (functions/core/state-shards.ts); default 1. */
  readonly stateShards?: number;
  readonly now?: () => Date;
}

export interface SweepReport {
  readonly status: 'succeeded' | 'failed' | 'no-rules';
  /** The tick, also the label of its outbox and alarm-events objects. */
  readonly tick: string;
  readonly sites: number;
  /** Sites whose state changed (STALE raised or cleared). */
  readonly committed: number;
  readonly events: number;
  readonly failed: readonly { readonly site: string; readonly error: string }[];
  readonly message: string;
}

export type Sweep = () => Promise<SweepReport>;

export function createSweep(options: SweepOptions): Sweep {
  const now = options.now ?? (() => new Date());
  const { log } = options;
  const rules = rulesCache(options);
  const bucket = options.storage.bucket(options.rawBucket);
  const registry = createSiteRegistry(bucket);
  const live = createLiveSnapshotWriter(bucket, log);
  const deps = { bucket, store: createAlarmStateStore(bucket), publisher: createAlertPublisher(options.pubsub, options.alertsTopic), maxAttempts: 8 };
  const shards = siteShards(checkShards(options.stateShards ?? 1, 'the number of alarm state shards (PLANTLAKE_STATE_SHARDS)'));

  return async function sweep(): Promise<SweepReport> {
    const started = performance.now();
    const at = now();
    const tick = `sweep-${at.toISOString().slice(0, 16).replace(/[-:]/g, '')}Z`;
    const current = await rules.get();
    if (current === null) {
      const message = `no usable alarm rules at gs://${options.configBucket}/rules/rules.yaml; STALE was not judged. Upload a valid rules file (npx plantlake rules push).`;
      log.error(message, { event: 'sweep.summary', status: 'no-rules', tick });
      return { status: 'no-rules', tick, sites: 0, committed: 0, events: 0, failed: [], message };
    }
    const sites = await registry.list();
    const failed: { site: string; error: string }[] = [];
    let committed = 0;
    let events = 0;
    const queue = [...sites];
    const worker = async () => {
      for (let site = queue.shift(); site !== undefined; site = queue.shift()) {
        try {
          const results = await Promise.all(
            shards.map((shard) => commitSite(deps, site, shard ? `${tick}.shard-${shard.index}` : tick, (state) => evaluate(state, null, current, at), shard)),
          );
          const result = { events: results.flatMap((r) => r.events), attempts: Math.max(...results.map((r) => r.attempts)) };
          if (result.events.length > 0) {
            // The panel shows a silent site's STALE alarms too (only ticks that raise or clear write it).
            const state = { ...results[0]!.state, tags: results.flatMap((r) => r.state.tags) };
            await live.updateAlarms(site, { events: result.events, state, rules: current }, at);
          }
          if (results.some((r) => r.outcome === 'committed')) committed++;
          events += result.events.length;
          if (result.events.length > 0) {
            log.info(`sweep of site ${site}: ${result.events.map((e) => `${e.tag} ${e.condition} ${e.transition}`).join(', ')}`, {
              event: 'sweep.site',
              site,
              tick,
              events: result.events.map((e) => `${e.tag} ${e.condition} ${e.transition}`),
              eventIds: result.events.map((e) => e.eventId),
              attempts: result.attempts,
            });
          }
        } catch (err) {
          failed.push({ site, error: err instanceof Error ? err.message : String(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, Math.max(1, sites.length)) }, worker));
    const status = failed.length > 0 ? 'failed' : 'succeeded';
    const message =
      `swept ${sites.length} site(s) at ${at.toISOString()}: ${committed} changed, ${events} STALE event(s)` +
      (failed.length > 0 ? `; FAILED ${failed.map((f) => `${f.site} (${f.error})`).join('; ')}; the next tick judges them again` : '');
    log.log(status === 'failed' ? 'ERROR' : 'INFO', message, {
      event: 'sweep.summary',
      status,
      tick,
      sites: sites.length,
      committed,
      events,
      rulesVersion: current.version,
      durationMs: Math.round(performance.now() - started),
    });
    return { status, tick, sites: sites.length, committed, events, failed, message };
  };
}
