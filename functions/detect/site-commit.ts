// One batch through the alarm engine for its site, with optimistic concurrency on the site's
// state object: read (state, generation) → deliver what the last commit left → evaluate → outbox
// → commit if the generation is unchanged, else read again and evaluate again (bounded).
// The order keeps "no event lost, none invented" under retries and races; see outbox.ts.
import type { Bucket } from '@google-cloud/storage';
import { evaluate, type AlarmEvent, type AlarmState, type CompiledRules, type ReadingBatch } from '../core/index.ts';
import type { AlarmStateStore } from '../adapters/alarm-state-store.ts';
import type { AlertPublisher } from '../adapters/alert-publisher.ts';
import { deliverOutbox, readOutbox, writeOutbox } from './deliver-outbox.ts';
import { makeOutbox } from './outbox.ts';

export interface SiteDeps {
  readonly bucket: Bucket;
  readonly store: AlarmStateStore;
  readonly publisher: AlertPublisher;
  /** Attempts before giving up on a site whose state keeps changing (the message is retried). */
  readonly maxAttempts: number;
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

export async function processSiteBatch(deps: SiteDeps, batch: ReadingBatch, rules: CompiledRules, now: Date): Promise<SiteResult> {
  let recovered = 0;
  for (let attempt = 1; attempt <= deps.maxAttempts; attempt++) {
    const stored = await deps.store.read(batch.site);
    if (stored === null) continue; // replaced between metadata and content: read again
    if (stored.outbox !== null) {
      const pending = await readOutbox(deps.bucket, batch.site, stored.outbox);
      if (pending !== null) {
        await deliverOutbox(deps, pending);
        recovered++;
      }
    }
    const { events, state } = evaluate(stored.state, batch, rules, now);
    // A batch that changes nothing (all late: a redelivery, or a site without rules) writes nothing.
    if (state === stored.state && events.length === 0) {
      return { outcome: 'no-change', events, attempts: attempt, objects: [], recovered, state };
    }
    const outbox = events.length > 0 ? makeOutbox(batch.site, batch.batchId, events) : null;
    if (outbox !== null) await writeOutbox(deps.bucket, outbox);
    if (!(await deps.store.commit(batch.site, state, stored.generation, { batchId: batch.batchId, outbox: outbox?.id ?? null }))) {
      continue; // another instance committed first: evaluate again on its state
    }
    const objects = outbox === null ? [] : await deliverOutbox(deps, outbox);
    return { outcome: 'committed', events, attempts: attempt, objects, recovered, state };
  }
  throw new Error(
    `the alarm state of site ${batch.site} changed under detect ${deps.maxAttempts} times in a row while evaluating batch ${batch.batchId}; ` +
      'the message is not acked and Pub/Sub will deliver it again. Many detect instances on one site cause this: ' +
      'lower the function\'s max instances or publish a site\'s batches less often.',
  );
}
