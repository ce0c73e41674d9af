// Lifecycle of loaded days' raw objects: compact many small batch objects into a few large ones
// (Coldline bills per object and per operation), then move the day to COLDLINE, then, if
// retention is set and passed, delete it. Only days whose objects are exactly what was loaded get
// here (plan.ts); a day is checked again right before its objects move.
//
// One compaction, in an order that keeps the day's fingerprint constant at every step
// (fingerprint.ts), so a crash anywhere neither loses rows nor makes the day look changed:
//   1. mark each source with the target's name (no effect while the target does not exist);
//   2. write the target with ifGenerationMatch=0, its custom metadata carrying the sources' leaf
//      count and sum; from now on the target counts for the sources and they count for nothing;
//   3. check it: stored size and MD5 = those of the bytes written (which hold every source line once);
//   4. delete the sources.
// A later run finishes a compaction stopped after step 2: with every source still there it
// compares the target's content with theirs before deleting them (and deletes the target instead
// if they differ); with some already deleted, step 3 had passed, so it deletes the rest.
import { contentDigest } from '../adapters/lake-lines.ts';
import { deleteObjects, markSources, moveToColdline, storedHash, writeCompacted } from '../adapters/lake-compaction.ts';
import { listDayObjects } from '../adapters/lake-listing.ts';
import { isPreconditionFailed } from '../adapters/storage-errors.ts';
import { mapLimit, type DailyContext } from './context.ts';
import { dayFingerprint } from './fingerprint.ts';
import { COMPACTION_META, gsUri } from '../core/lake-paths.ts';
import { objectsToMove, type CompactionGroup, type DayLifecycle, type LifecyclePlan, type PendingCompaction } from './plan.ts';
import type { LifecycleReport } from './report.ts';
import { timed } from './timings.ts';

interface Counts {
  compactedSources: number;
  compactedObjects: number;
  movedToColdline: number;
  deleted: number;
}

export async function runLifecycle(ctx: DailyContext, plan: LifecyclePlan, deadline?: number): Promise<LifecycleReport> {
  const counts: Counts = { compactedSources: 0, compactedObjects: 0, movedToColdline: 0, deleted: 0 };
  const errors: string[] = [];
  const days: string[] = [];
  for (const day of plan.days) {
    if (deadline !== undefined && Date.now() > deadline) {
      errors.push(`time budget used up before ${day.day}; the next run continues the lifecycle`);
      break;
    }
    try {
      await lifecycleOfDay(ctx, day, counts, deadline);
      days.push(day.day);
    } catch (err) {
      const message = `lifecycle of ${day.day} stopped: ${(err as Error).message}. No rows are lost (every step keeps them); the next run continues.`;
      errors.push(message);
      ctx.log.error(message, { day: day.day, runId: ctx.runId });
    }
  }
  return { days, ...counts, notLoaded: plan.notLoaded, errors };
}

async function lifecycleOfDay(ctx: DailyContext, plan: DayLifecycle, counts: Counts, deadline: number | undefined): Promise<void> {
  await timed(ctx.timings, 'compaction', async () => {
    for (const pending of plan.pending) await finishPending(ctx, pending, counts);
    await compactGroups(ctx, plan, counts, deadline);
  });
  // Objects may have arrived since the listing: move only if the day is still exactly what was
  // loaded; otherwise the next run reloads it first.
  const { objects } = await listDayObjects(ctx.raw, plan.day);
  if (dayFingerprint(objects) !== plan.fingerprint) {
    throw new Error(`raw objects of ${plan.day} changed during the run (new or deleted objects); the next run reloads the day, then moves it`);
  }
  await timed(ctx.timings, 'storageClass', async () => {
    const moving = objectsToMove(objects);
    await mapLimit(moving, ctx.settings.concurrency, (o) => moveToColdline(ctx.raw, o.name));
    counts.movedToColdline += moving.length;
  });
  if (plan.deleteAll) {
    await timed(ctx.timings, 'retention', async () => {
      await deleteObjects(ctx.raw, objects.map((o) => o.name));
      counts.deleted += objects.length;
    });
  }
}

/**
 * The day's compactions, `concurrency` at once (each has its own sources and target), in batches
 * bounded by the time budget: none starts after the deadline. A day stopped half way is safe
 * (every step keeps the fingerprint) and the next run compacts the rest.
 */
async function compactGroups(ctx: DailyContext, plan: DayLifecycle, counts: Counts, deadline: number | undefined): Promise<void> {
  const groups = plan.compactions;
  let next = 0;
  let done = 0;
  let stopped = false;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < groups.length && errors.length === 0) {
      if (deadline !== undefined && Date.now() > deadline) {
        stopped = true;
        return;
      }
      const group = groups[next++]!;
      try {
        await compact(ctx, group, counts);
        done += 1;
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ctx.settings.concurrency, groups.length) }, worker));
  if (errors.length > 0) throw errors[0];
  if (stopped) throw new Error(`time budget used up while compacting ${plan.day} (${done} of ${groups.length} compactions done); the next run continues`);
}

async function finishPending(ctx: DailyContext, pending: PendingCompaction, counts: Counts): Promise<void> {
  const names = pending.sources.map((o) => o.name);
  if (pending.allSourcesPresent) {
    const [target, sources] = await Promise.all([
      contentDigest([ctx.raw.file(pending.target.name)]),
      contentDigest(names.map((n) => ctx.raw.file(n))),
    ]);
    if (target.lines !== sources.lines || target.sha256 !== sources.sha256) {
      ctx.log.warn(`compacted object ${pending.target.name} differs from its sources; deleting it (the sources stay)`, { runId: ctx.runId });
      await deleteObjects(ctx.raw, [pending.target.name]);
      return;
    }
  }
  await deleteObjects(ctx.raw, names);
  counts.compactedSources += names.length;
}

async function compact(ctx: DailyContext, group: CompactionGroup, counts: Counts): Promise<void> {
  const names = group.sources.map((o) => o.name);
  await markSources(ctx.raw, names, group.target);
  try {
    const written = await writeCompacted(
      ctx.raw,
      group.target,
      names.map((n) => ctx.raw.file(n)),
      {
        [COMPACTION_META.sourcesSum]: group.sourcesSum,
        [COMPACTION_META.sourcesCount]: String(group.sourcesCount),
      },
    );
    const stored = await storedHash(ctx.raw, group.target);
    if (stored.size !== written.bytes || stored.md5Hash !== written.md5Base64) {
      await deleteObjects(ctx.raw, [group.target]);
      throw new Error(
        `compacted object ${gsUri(ctx.raw.name, group.target)} did not verify (stored ${stored.size} bytes, md5 ${stored.md5Hash}; ` +
          `wrote ${written.bytes} bytes, md5 ${written.md5Base64}); it was deleted and the sources kept`,
      );
    }
  } catch (err) {
    if (!isPreconditionFailed(err)) throw err;
    // An earlier run wrote it (the name is a function of the sources): check it like a pending one.
    const target = await contentDigest([ctx.raw.file(group.target)]);
    const sources = await contentDigest(names.map((n) => ctx.raw.file(n)));
    if (target.lines !== sources.lines || target.sha256 !== sources.sha256) {
      throw new Error(`${gsUri(ctx.raw.name, group.target)} exists but does not hold exactly its sources' lines; delete it and run the lifecycle again`);
    }
  }
  await deleteObjects(ctx.raw, names);
  counts.compactedObjects += 1;
  counts.compactedSources += names.length;
}
