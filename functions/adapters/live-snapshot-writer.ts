// After detect has committed (or found unchanged) a site's alarm state, the batch is merged into
// the site's live snapshot, which the panel reads. The merge is order-free and idempotent, so a
// failed write is retried with the whole message (the state commit is then a no-op) and nothing
// the panel shows is lost; see functions/core/live-snapshot.ts.
import type { Bucket } from '@google-cloud/storage';
import { mergeSnapshot, type AlarmEvent, type AlarmState, type CompiledRules, type ReadingBatch } from '../core/index.ts';
import { createLiveSnapshotStore, type LiveSnapshotStore } from './live-snapshot-store.ts';
import type { Logger } from './log.ts';
import { commitBackoff } from './site-commit.ts';

type AlarmInput = { events: readonly AlarmEvent[]; state: AlarmState; rules: CompiledRules };

export interface LiveSnapshotWriter {
  update(batch: ReadingBatch, input: AlarmInput, now: Date): Promise<{ attempts: number }>;
  /** After a commit without readings (a STALE sweep of a silent site): alarms only. */
  updateAlarms(site: string, input: AlarmInput, now: Date): Promise<{ attempts: number }>;
}

// One object per site, also when the alarm state is sharded: a sharded site's batches race for it,
// so a lost race backs off with jitter like a state commit, with room for one attempt per shard.
// Past about one write per second per site this object is the ceiling (README, known gaps).
export function createLiveSnapshotWriter(bucket: Bucket, log: Logger, maxAttempts = 40): LiveSnapshotWriter {
  const store: LiveSnapshotStore = createLiveSnapshotStore(bucket, (site, reason) =>
    log.warn(`live snapshot of site ${site} was unreadable and is rebuilt from this batch on: ${reason}`, { event: 'detect.live-snapshot-damaged', site }),
  );
  async function merge(site: string, batch: ReadingBatch | null, input: AlarmInput, now: Date) {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await commitBackoff(attempt);
      const stored = await store.read(site);
      if (stored === null) continue;
      const next = mergeSnapshot(stored.snapshot, batch, { ...input, now });
      if (await store.write(site, next, stored.generation)) return { attempts: attempt };
    }
    throw new Error(
      `the live snapshot of site ${site} changed under detect ${maxAttempts} times in a row; the message is retried (the alarm state is already committed, so only the snapshot is redone)`,
    );
  }
  return {
    update: (batch, input, now) => merge(batch.site, batch, input, now),
    updateAlarms: (site, input, now) => merge(site, null, input, now),
  };
}
