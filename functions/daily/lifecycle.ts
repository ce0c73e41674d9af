// Lifecycle of loaded days' raw objects: compact many small batch objects into a few large ones
// (Coldline bills per object and per operation), then move the day to COLDLINE, then, if
// retention is set and passed, delete it. Only days whose objects are exactly what was loaded get
// here (plan.ts); a day is checked again right before its objects move.
//
// One compaction is server-side (compose-compaction.ts): manifest, compose into the target
// (ifGenerationMatch=0), verify size and CRC32C against the sources' listing, delete the sources,
// then the manifest; at every step the day's fingerprint is the same (fingerprint.ts,
// compaction-manifest.ts). A later run finishes a compaction stopped after the target exists:
// with every source still there it checks the target against them before deleting them (and
// deletes the target instead if it does not hold them); with some already deleted, the check had
// passed, so it deletes the rest. Sources marked one by one (the earlier design) finish the same way.
// Every step goes through the raw-zone port (functions/core/raw-zone.ts): the unit tests crash it
// at each step (test/unit/daily/lifecycle-crash.test.ts).
import { mapLimit, type DailyContext } from './context.ts';
import { manifestName } from './compaction-manifest.ts';
import { compactByCompose, deleteAll, holdsExactly } from './compose-compaction.ts';
import { listZoneDay } from './day-listing.ts';
import { classify, dayFingerprint } from './fingerprint.ts';
import { COMPACTION_META } from '../core/lake-paths.ts';
import { objectsToMove, type CompactionGroup, type DayLifecycle, type LifecyclePlan, type PendingCompaction } from './plan.ts';
import { rawZoneOf } from './raw-zone-of.ts';
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
  const zone = rawZoneOf(ctx);
  await timed(ctx.timings, 'compaction', async () => {
    for (const pending of plan.pending) await finishPending(ctx, pending, counts);
    await compactGroups(ctx, plan, counts, deadline);
  });
  // Objects may have arrived since the listing: move only if the day is still exactly what was
  // loaded; otherwise the next run reloads it first.
  const listed = await listZoneDay(zone, plan.day);
  const { objects } = listed;
  if (dayFingerprint(objects) !== plan.fingerprint) {
    throw new Error(`raw objects of ${plan.day} changed during the run (new or deleted objects); the next run reloads the day, then moves it`);
  }
  await timed(ctx.timings, 'compaction', () => removeLeftovers(ctx, listed.work, objects));
  if (plan.moveToColdline ?? true) {
    await timed(ctx.timings, 'storageClass', async () => {
      const moving = objectsToMove(objects);
      await mapLimit(moving, ctx.settings.concurrency, (o) => zone.setStorageClass(o.name, 'COLDLINE'));
      counts.movedToColdline += moving.length;
    });
  }
  if (plan.deleteAll) {
    await timed(ctx.timings, 'retention', async () => {
      await deleteAll(
        zone,
        objects.map((o) => o.name),
      );
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

/**
 * What a stopped compaction left under the day's work prefix once the day's compactions are done:
 * compose parts (never data) and manifests whose sources are all gone or whose target never came
 * to be. A manifest some listed source is still marked by stays.
 */
async function removeLeftovers(ctx: DailyContext, work: readonly { name: string }[], objects: Parameters<typeof classify>[0]): Promise<void> {
  const inUse = new Set(classify(objects).superseded.map((o) => manifestName(String(o.metadata?.[COMPACTION_META.compactedInto]))));
  await deleteAll(
    rawZoneOf(ctx),
    work.map((w) => w.name).filter((n) => !inUse.has(n)),
  );
}

async function finishPending(ctx: DailyContext, pending: PendingCompaction, counts: Counts): Promise<void> {
  const zone = rawZoneOf(ctx);
  const names = pending.sources.map((o) => o.name);
  if (pending.allSourcesPresent && !(await holdsExactly(zone, pending.target, pending.sources))) {
    ctx.log.warn(`compacted object ${pending.target.name} differs from its sources; deleting it (the sources stay)`, { runId: ctx.runId });
    await zone.delete(pending.target.name);
    await zone.delete(manifestName(pending.target.name));
    return;
  }
  await deleteAll(zone, names);
  await zone.delete(manifestName(pending.target.name));
  counts.compactedSources += names.length;
}

async function compact(ctx: DailyContext, group: CompactionGroup, counts: Counts): Promise<void> {
  const sources = await compactByCompose(rawZoneOf(ctx), group);
  counts.compactedSources += sources; // after the await: `+= await` would add to a stale total
  counts.compactedObjects += 1;
}
