// One evaluation of a site's alarm state, with optimistic concurrency on the site's state object:
// read (state, generation) → deliver what the last commit left → evaluate → outbox → commit if the
// generation is unchanged, else back off (jittered) and read and evaluate again (bounded).
// commitSite is the single place a site's state is committed: a batch (processSiteBatch) and the
// STALE sweep (functions/sweep) both go through it, so it sits in adapters, below both. The order
// keeps "no event lost, none invented" under retries and races; see functions/core/alarm-outbox.ts.
import type { Bucket } from '@google-cloud/storage';
import { evaluate, splitByShard, type AlarmEvent, type AlarmState, type CompiledRules, type Evaluation, type ReadingBatch } from '../core/index.ts';
import type { AlarmStateStore, Shard } from './alarm-state-store.ts';
import type { AlertPublisher } from './alert-publisher.ts';
import { deliverOutbox, readOutbox, writeOutbox } from './deliver-outbox.ts';
import { makeOutbox } from '../core/alarm-outbox.ts';

export interface SiteDeps {
  readonly bucket: Bucket;
  readonly store: AlarmStateStore;
  readonly publisher: AlertPublisher;
  /** Attempts before giving up on a site whose state keeps changing (the message is retried). */
  readonly maxAttempts: number;
  /** Waits before attempt n (n ≥ 2); default commitBackoff. */
  readonly backoff?: (attempt: number) => Promise<void>;
  /** State objects per site (functions/core/state-shards.ts); default 1. */
  readonly shards?: number;
}

export interface SiteResult {
  readonly outcome: 'committed' | 'no-change';
  readonly events: readonly AlarmEvent[];
  readonly attempts: number;
  /** Raw-zone objects holding the events. */
  readonly objects: readonly string[];
  /** Outboxes of earlier commits that this run delivered (after a crash or by a racing instance). */
  readonly recovered: number;
  /** The site's alarm state after this batch (committed, or unchanged). */
  readonly state: AlarmState;
}

/**
 * Full jitter (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/): a random
 * wait up to 25 ms · 2^(n-2), capped at 1 s, so instances that lost a race do not collide again in
 * step, and a hot site is not hammered beyond Cloud Storage's ~1 write/s per object.
 */
export function commitBackoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 25 * 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/**
 * Evaluates `step` on the site's current state and commits the result. `label` names the outbox
 * and the alarm-events objects (a batch id, or the sweep's tick).
 */
export async function commitSite(deps: SiteDeps, site: string, label: string, step: (state: AlarmState) => Evaluation, shard?: Shard): Promise<SiteResult> {
  const backoff = deps.backoff ?? commitBackoff;
  let recovered = 0;
  for (let attempt = 1; attempt <= deps.maxAttempts; attempt++) {
    if (attempt > 1) await backoff(attempt);
    const stored = await deps.store.read(site, shard);
    if (stored === null) continue; // replaced between metadata and content: read again
    if (stored.outbox !== null) {
      const pending = await readOutbox(deps.bucket, site, stored.outbox);
      if (pending !== null) {
        await deliverOutbox(deps, pending);
        recovered++;
      }
    }
    const { events, state } = step(stored.state);
    // A run that changes nothing (all late: a redelivery, or a site without rules) writes nothing.
    if (state === stored.state && events.length === 0) {
      return { outcome: 'no-change', events, attempts: attempt, objects: [], recovered, state };
    }
    const outbox = events.length > 0 ? makeOutbox(site, label, events) : null;
    if (outbox !== null) await writeOutbox(deps.bucket, outbox);
    if (!(await deps.store.commit(site, state, stored.generation, { batchId: label, outbox: outbox?.id ?? null }, shard))) {
      continue; // another instance committed first: evaluate again on its state
    }
    const objects = outbox === null ? [] : await deliverOutbox(deps, outbox);
    return { outcome: 'committed', events, attempts: attempt, objects, recovered, state };
  }
  throw new Error(
    `the alarm state of site ${site} changed under detect ${deps.maxAttempts} times in a row while evaluating ${label}; ` +
      'it is retried (Pub/Sub redelivers a batch, the next sweep tick judges the site again). Many detect instances on one site cause this: ' +
      'publish with the site as ordering key (see README, "Order and late data"), or publish a site\'s batches less often.',
  );
}

/** One batch through the alarm engine for its site: one commit, or one per shard its tags touch. */
export async function processSiteBatch(deps: SiteDeps, batch: ReadingBatch, rules: CompiledRules, now: Date): Promise<SiteResult> {
  const count = deps.shards ?? 1;
  if (count <= 1) return commitSite(deps, batch.site, batch.batchId, (state) => evaluate(state, batch, rules, now));
  const results = await Promise.all(
    splitByShard(batch, count).map(({ shard, batch: part }) =>
      commitSite(deps, batch.site, `${batch.batchId}.shard-${shard}`, (state) => evaluate(state, part, rules, now), { index: shard, count }),
    ),
  );
  return {
    outcome: results.some((r) => r.outcome === 'committed') ? 'committed' : 'no-change',
    events: results.flatMap((r) => r.events),
    attempts: Math.max(...results.map((r) => r.attempts)),
    objects: results.flatMap((r) => r.objects),
    recovered: results.reduce((n, r) => n + r.recovered, 0),
    // The touched shards' tags together: what the live snapshot reconciles (untouched tags keep theirs).
    state: {
      ...results[0]!.state,
      watermark: Math.max(...results.map((r) => r.state.watermark ?? -Infinity)),
      tags: results.flatMap((r) => r.state.tags).sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0)),
    },
  };
}

/** Every shard of a site, for the STALE sweep. */
export function siteShards(count: number): Array<Shard | undefined> {
  return count <= 1 ? [undefined] : Array.from({ length: count }, (_, index) => ({ index, count }));
}
