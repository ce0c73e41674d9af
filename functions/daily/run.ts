// One run of the daily job, the same for the scheduled HTTP function and every CLI command:
// list the raw zone, plan (plan.ts), load each day that needs it, refresh tags, then the
// lifecycle; answer with a report and log one `daily.summary` entry. Days are independent: one
// failing does not stop the others, and the next run retries it.
import { TABLES } from '../core/resources.ts';
import { mapLimit, type DailyContext } from './context.ts';
import { listZoneDay, listZoneDays } from './day-listing.ts';
import { daysToList } from './listing-window.ts';
import { rawZoneOf } from './raw-zone-of.ts';
import { dayRange, daysBetween } from '../core/lake-paths.ts';
import { utcDay } from '../core/time.ts';
import { runLifecycle } from './lifecycle.ts';
import { loadDay } from './load-day.ts';
import { createStaging } from './staging.ts';
import {
  auditStates,
  DEFAULT_COMPACT_AGE_DAYS,
  hasCompactionWork,
  planLifecycle,
  planLoads,
  type AuditRecord,
  type DayListing,
  type LifecyclePlan,
  type LoadPlan,
} from './plan.ts';
import { auditQuery } from './replace-sql.ts';
import { runMessage, runStatus, summaryFields, summarySeverity, type DayReport, type LifecycleReport, type RunReport, type TagsReport } from './report.ts';
import { refreshTags } from './tags-refresh.ts';
import { refreshAnalytics } from './analytics-refresh.ts';
import type { SeenStat } from './tags.ts';
import { cellText } from '../adapters/warehouse.ts';
import { timed } from './timings.ts';

export type RunMode = 'daily' | 'backfill' | 'rebuild' | 'lifecycle';

/** Young days held for compaction in one run (each up to a day of small objects: ~40 MB at R1). */
export const COMPACTION_DAYS_HELD = 3;

/** Share of a run's time budget kept for the lifecycle (Coldline, retention) when loads could use it all. */
export const LIFECYCLE_BUDGET_SHARE = 0.2;

export interface RunOptions {
  readonly mode: RunMode;
  /** Only days in [from, to] (inclusive). */
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Reload days in range even when up to date. */
  readonly force?: boolean | undefined;
  readonly pastRetention?: boolean | undefined;
  /** List every day's objects, not only those that can have changed (listing-window.ts). */
  readonly fullListing?: boolean | undefined;
  /** Run the lifecycle after loading (default: daily and lifecycle modes). */
  readonly lifecycle?: boolean | undefined;
  /** Epoch ms after which no new day is started. */
  readonly deadline?: number | undefined;
  /** Share of the time to the deadline kept for the lifecycle (default LIFECYCLE_BUDGET_SHARE). */
  readonly lifecycleBudgetShare?: number | undefined;
  /** Called (and awaited) once the plan is known: the CLI sizes its progress bar. */
  readonly onPlan?: ((plan: RunPlan) => void | Promise<void>) | undefined;
  /** Called after each day. */
  readonly onDay?: ((report: DayReport) => void) | undefined;
}

export interface RunPlan {
  readonly listings: readonly DayListing[];
  readonly ignored: readonly string[];
  readonly loads: LoadPlan;
  readonly audit: ReadonlyMap<string, { loadedFingerprint: string | null; lastAttemptFailed: boolean }>;
  /** Loaded days whose objects this run did not list (listing-window.ts). */
  readonly notListed: readonly string[];
}

/**
 * Lists the raw zone (days in range only) and plans the loads, one day at a time: a day's objects
 * are kept only when the run needs them (the day loads, is skipped with a reason, or is older than
 * Coldline age, for the lifecycle). An up-to-date young day keeps nothing but its place in the
 * plan, so memory goes with what changed, not with the lake: at R1 the 31 uncompacted days are
 * 2.7 M objects, about 1.6 GB as listed, more than the daily function has.
 */
export async function planRun(ctx: DailyContext, options: RunOptions): Promise<RunPlan> {
  const { rows } = await ctx.warehouse.query<{ day: string; status: string; source_fingerprint: string; finished_at: unknown }>(
    auditQuery(ctx.warehouse.ref(TABLES.loadAudit.name)),
  );
  const records: AuditRecord[] = rows.map((r) => ({
    day: r.day,
    status: r.status,
    fingerprint: r.source_fingerprint,
    finishedAt: cellText(r.finished_at) ?? '',
  }));
  const audit = auditStates(records);
  const today = utcDay(ctx.now().getTime());
  const loadOptions = {
    today,
    force: options.force ?? false,
    retentionDays: ctx.settings.retentionDays,
    pastRetention: options.pastRetention ?? false,
  };
  let notListed: string[] = [];
  const per = await timed(ctx.timings, 'listing', async () => {
    const inRange = (d: string) => (options.from === undefined || d >= options.from) && (options.to === undefined || d <= options.to);
    const zone = rawZoneOf(ctx);
    let held = 0;
    const inRangeDays = (await listZoneDays(zone)).filter(inRange);
    // Only the scheduled run: an operator's lifecycle, backfill or rebuild lists every day it names.
    const windowed = options.mode === 'daily' && options.from === undefined && options.to === undefined && !options.force && !options.fullListing;
    const choice = windowed
      ? daysToList(inRangeDays, audit, {
          today,
          highWaterDay: highWaterDay(records),
          coldlineAgeDays: ctx.settings.coldlineAgeDays,
          retentionDays: ctx.settings.retentionDays,
        })
      : { list: inRangeDays, notListed: [] };
    notListed = choice.notListed;
    const days = choice.list;
    return mapLimit(days, ctx.settings.concurrency, async (day) => {
      const listed = await listZoneDay(zone, day);
      const plan = planLoads([{ day, objects: listed.objects }], audit, loadOptions);
      const age = daysBetween(day, today);
      // A young loaded day is held for its compaction, at most COMPACTION_DAYS_HELD of them a run
      // (a lake of uncompacted days, at its first run with this design, compacts over a few runs
      // instead of holding them all in memory).
      const compactNow =
        age > DEFAULT_COMPACT_AGE_DAYS && held < COMPACTION_DAYS_HELD && hasCompactionWork(listed.objects, ctx.settings.maxCompactedBytes, listed.work);
      if (compactNow) held += 1;
      const needed = plan.load.length > 0 || plan.skipped.length > 0 || age > ctx.settings.coldlineAgeDays || compactNow;
      const work = listed.work.map((w) => w.name);
      return { listing: { day, objects: needed ? listed.objects : [], ...(work.length > 0 ? { work } : {}) }, plan, ignored: listed.ignored };
    });
  });
  const newestFirst = <T>(items: T[], day: (t: T) => string) => items.sort((a, b) => (day(a) < day(b) ? 1 : -1));
  const loads: LoadPlan = {
    load: newestFirst(
      per.flatMap((p) => p.plan.load),
      (d) => d.day,
    ),
    // A day not listed this run is loaded and was unchanged when last listed (listing-window.ts).
    upToDate: newestFirst([...per.flatMap((p) => p.plan.upToDate), ...notListed], (d) => d),
    skipped: newestFirst(
      per.flatMap((p) => p.plan.skipped),
      (d) => d.day,
    ),
  };
  return { listings: per.map((p) => p.listing), ignored: per.flatMap((p) => p.ignored), loads, audit, notListed };
}

/** The UTC day the newest succeeded load finished: the high-water mark of the listing window. */
export function highWaterDay(records: readonly AuditRecord[]): string | undefined {
  let newest = Number.NEGATIVE_INFINITY;
  for (const r of records) {
    if (r.status !== 'succeeded') continue;
    const ms = /^\d+$/.test(r.finishedAt) ? Number(r.finishedAt) : Date.parse(r.finishedAt);
    if (Number.isFinite(ms) && ms > newest) newest = ms;
  }
  return Number.isFinite(newest) ? utcDay(newest) : undefined;
}

/** The lifecycle plan, given which fingerprint each day is loaded with now. */
export function lifecyclePlanFor(ctx: DailyContext, plan: RunPlan, loadedNow: ReadonlyMap<string, string>): LifecyclePlan {
  return planLifecycle(plan.listings, (day) => loadedNow.get(day) ?? plan.audit.get(day)?.loadedFingerprint ?? null, {
    today: utcDay(ctx.now().getTime()),
    coldlineAgeDays: ctx.settings.coldlineAgeDays,
    compactAgeDays: DEFAULT_COMPACT_AGE_DAYS,
    retentionDays: ctx.settings.retentionDays,
    maxCompactedBytes: ctx.settings.maxCompactedBytes,
  });
}

/**
 * Runs once and always answers with a report, also when something outside any one day fails
 * (the raw bucket cannot be listed, BigQuery is unreachable): then status is failed, the message
 * says what broke, and the summary entry is logged all the same (the missing-load alert counts them).
 */
export async function runDaily(ctx: DailyContext, options: RunOptions): Promise<RunReport> {
  const startedAt = ctx.now();
  const t0 = performance.now();
  try {
    return await runPlanned(ctx, options, startedAt, t0);
  } catch (err) {
    const partial = {
      runId: ctx.runId,
      status: 'failed' as const,
      startedAt: startedAt.toISOString(),
      finishedAt: ctx.now().toISOString(),
      durationMs: Math.round(performance.now() - t0),
      days: [],
      upToDate: 0,
      skipped: [],
      deferred: [],
      rowsLoaded: 0,
      warnings: [],
      timings: roundTimings(ctx),
    };
    const report: RunReport = {
      ...partial,
      message:
        `the run stopped before loading: ${(err as Error).message}. Nothing was changed by this run; check that the raw bucket ` +
        `gs://${ctx.settings.rawBucket} and the dataset ${ctx.settings.dataset} exist and that this identity may use them, then run it again.`,
    };
    ctx.log.log('ERROR', `daily ${options.mode}: ${report.message}`, summaryFields(report));
    return report;
  }
}

function roundTimings(ctx: DailyContext): RunReport['timings'] {
  return Object.fromEntries(Object.entries(ctx.timings).map(([k, v]) => [k, Math.round(v)])) as RunReport['timings'];
}

async function runPlanned(ctx: DailyContext, options: RunOptions, startedAt: Date, t0: number): Promise<RunReport> {
  const withLifecycle = options.lifecycle ?? (options.mode === 'daily' || options.mode === 'lifecycle');
  // Loads leave a share of the budget to the lifecycle, so a back-fill of years never starves it.
  const share = options.lifecycleBudgetShare ?? LIFECYCLE_BUDGET_SHARE;
  const loadDeadline =
    options.deadline === undefined || !withLifecycle ? options.deadline : options.deadline - Math.max(0, options.deadline - Date.now()) * share;
  const plan = await planRun(ctx, options);
  await options.onPlan?.(plan);
  const warnings: string[] = [];
  if (plan.ignored.length > 0) {
    warnings.push(
      `${plan.ignored.length} object(s) under readings/ or alarm-events/ are not raw data objects and were left alone, e.g. ${plan.ignored.slice(0, 3).join(', ')}`,
    );
  }
  if (options.mode === 'rebuild' && options.from !== undefined && plan.loads.load.length === 0 && plan.loads.skipped.length === 0) {
    warnings.push(`no raw objects for ${dayRange(options.from, options.to ?? options.from).join(', ')}; nothing to rebuild`);
  }

  const days: DayReport[] = [];
  const deferred: string[] = [];
  const seen: SeenStat[] = [];
  const loadedNow = new Map<string, string>();
  const listingByDay = new Map(plan.listings.map((l) => [l.day, l.objects]));
  let longestDayMs = 0;
  const staging = createStaging(ctx.warehouse, ctx.runId, ctx.log);
  try {
    for (const target of options.mode === 'lifecycle' ? [] : plan.loads.load) {
      if (loadDeadline !== undefined && Date.now() + longestDayMs > loadDeadline) {
        deferred.push(target.day);
        continue;
      }
      const loaded = await loadDay(ctx, staging, target, listingByDay.get(target.day) ?? []);
      longestDayMs = Math.max(longestDayMs, loaded.report.durationMs);
      days.push(loaded.report);
      seen.push(...loaded.seen);
      if (loaded.report.status === 'succeeded') loadedNow.set(target.day, target.fingerprint);
      else ctx.log.error(loaded.report.error ?? `loading ${target.day} failed`, { day: target.day, runId: ctx.runId });
      if (loaded.report.badRows > 0) {
        ctx.log.warn(`${loaded.report.badRows} bad row(s) in ${target.day} were not loaded`, {
          day: target.day,
          runId: ctx.runId,
          badRows: loaded.report.badRowSamples,
        });
      }
      options.onDay?.(loaded.report);
    }
  } finally {
    await timed(ctx.timings, 'stagingLoad', () => staging.release());
  }

  let tags: TagsReport | undefined;
  if (options.mode !== 'lifecycle' && (options.mode === 'daily' || loadedNow.size > 0)) {
    try {
      tags = await refreshTags(ctx, seen);
      if (tags.warning) warnings.push(tags.warning);
    } catch (err) {
      const message = `refreshing tags failed: ${(err as Error).message}; the readings are loaded, and the next run refreshes tags again`;
      warnings.push(message);
      ctx.log.error(message, { runId: ctx.runId });
    }
    try {
      warnings.push(...(await refreshAnalytics(ctx)).warnings);
    } catch (err) {
      const message = `refreshing tariffs and tanks failed: ${(err as Error).message}; the readings are loaded, and the next run refreshes them again`;
      warnings.push(message);
      ctx.log.error(message, { runId: ctx.runId });
    }
  }

  let lifecycle: LifecycleReport | undefined;
  if (withLifecycle) lifecycle = await runLifecycle(ctx, lifecyclePlanFor(ctx, plan, loadedNow), options.deadline);

  const partial = {
    runId: ctx.runId,
    status: runStatus(days, deferred),
    startedAt: startedAt.toISOString(),
    finishedAt: ctx.now().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    days,
    upToDate: plan.loads.upToDate.length,
    skipped: plan.loads.skipped,
    deferred,
    rowsLoaded: days.reduce((n, d) => n + (d.status === 'succeeded' ? d.rowsKept : 0), 0),
    ...(tags ? { tags } : {}),
    ...(lifecycle ? { lifecycle } : {}),
    warnings,
    timings: roundTimings(ctx),
  };
  const report: RunReport = { ...partial, message: runMessage(partial) };
  ctx.log.log(summarySeverity(report.status), `daily ${options.mode}: ${report.message}`, summaryFields(report));
  return report;
}
