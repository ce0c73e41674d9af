// Loads one day from the raw zone: stage the day's objects straight from gs:// (stage-direct.ts),
// or, when BigQuery refuses a row or rowChecks is 'always', read and check every object and stage
// the good rows (day-reader.ts), in the run's staging tables (emptied first), replace the day in `readings` and `alarm_events` in one transaction (deduped),
// write the day's load_audit row. A failure leaves the day as it was (on BigQuery) and is written
// to load_audit as failed, so the next run retries it; other days are not affected.
import { cellText, WarehouseError } from '../adapters/warehouse.ts';
import { TABLES } from '../core/resources.ts';
import type { DailyContext } from './context.ts';
import { goodLines, readDay, type DayRead } from './day-reader.ts';
import { dayBounds, type LakeObject } from '../core/lake-paths.ts';
import { effectiveObjects } from './fingerprint.ts';
import type { DayToLoad } from './plan.ts';
import type { DayReport } from './report.ts';
import type { BadRow } from './row-checks.ts';
import { replaceDayScript } from './replace-sql.ts';
import { stageDirect, type DirectStaged } from './stage-direct.ts';
import type { Staging } from './staging.ts';
import type { SeenStat } from './tags.ts';
import { timed } from './timings.ts';

/** load_audit.bad_rows keeps this many per day; the rest are counted in a last entry. */
export const MAX_AUDITED_BAD_ROWS = 1000;

export interface LoadedDay {
  readonly report: DayReport;
  readonly seen: readonly SeenStat[];
}

interface TagStatRow {
  site: string;
  tag: string;
  row_count: number | string;
  first_ts: unknown;
  last_ts: unknown;
}

class DayFailure extends Error {}

export async function loadDay(ctx: DailyContext, staging: Staging, target: DayToLoad, objects: readonly LakeObject[]): Promise<LoadedDay> {
  const { day } = target;
  const started = ctx.now();
  const t0 = performance.now();
  const jobIds: string[] = [];
  let read: DayRead | undefined;
  let seen: SeenStat[] = [];
  let rowsKept = 0;
  let error: string | undefined;

  let direct: DirectStaged | undefined;
  const { start, end } = dayBounds(day);
  const effective = effectiveObjects(objects);

  async function stageChecked(): Promise<void> {
    read = await timed(ctx.timings, 'read', () => readDay(ctx.raw, effective, ctx.settings.concurrency)).catch((err: Error) => {
      throw new DayFailure(`${err.message}. Nothing of ${day} was changed; the next run retries the day.`, { cause: err });
    });
    const dayRead = read;
    await timed(ctx.timings, 'stagingLoad', async () => {
      await staging.prepare(); // may move to a fresh pair of tables: read their names after it
      for (const kind of ['readings', 'alarm-events'] as const) {
        const k = dayRead[kind];
        if (k.clean.length > 0) jobIds.push(...(await ctx.warehouse.loadObjects(staging.tables[kind], ctx.raw, k.clean)));
        if (k.dirty.length > 0) jobIds.push(await ctx.warehouse.loadText(staging.tables[kind], goodLines(ctx.raw, k.dirty), 'WRITE_APPEND'));
      }
    }).catch((err: Error) => {
      const file = err instanceof WarehouseError && err.file ? ` BigQuery named ${err.file}.` : '';
      throw new DayFailure(
        `BigQuery could not stage ${day}'s raw files: ${err.message}.${file} readings keeps the day's previous rows; ` +
          `fix or remove the object named, then run \`plantlake rebuild --day ${day}\` (or wait for the next daily run).`,
        { cause: err },
      );
    });
  }

  try {
    if (ctx.settings.rowChecks !== 'always') {
      const names = { readings: [] as string[], 'alarm-events': [] as string[] };
      for (const o of effective) names[o.name.startsWith('readings/') ? 'readings' : 'alarm-events'].push(o.name);
      direct = await stageDirect(ctx, staging, names, start, end).catch((err: Error) => {
        // Not a failure of the day: the checked path stages it again and names each bad line.
        ctx.log.warn(`${day}: checking its raw objects line by line: ${err.message}`, { day, runId: ctx.runId });
        return undefined;
      });
      if (direct !== undefined) jobIds.push(...direct.jobIds);
    }
    if (direct === undefined) await stageChecked();
    const result = await timed(ctx.timings, 'replace', () =>
      ctx.warehouse.query<TagStatRow>(
        replaceDayScript({
          readings: ctx.warehouse.ref(TABLES.readings.name),
          alarmEvents: ctx.warehouse.ref(TABLES.alarmEvents.name),
          stagingReadings: ctx.warehouse.ref(staging.tables.readings),
          stagingAlarmEvents: ctx.warehouse.ref(staging.tables['alarm-events']),
        }),
        { start: ctx.warehouse.timestamp(start), end: ctx.warehouse.timestamp(end) },
      ),
    ).catch((err: Error) => {
      throw new DayFailure(
        `replacing ${day} in readings and alarm_events failed: ${err.message}. On BigQuery the transaction rolled back and ` +
          `the day keeps its previous rows; run \`plantlake rebuild --day ${day}\` to retry now, or wait for the next daily run.`,
        { cause: err },
      );
    });
    jobIds.push(result.jobId);
    seen = result.rows.map((r) => ({ site: r.site, tag: r.tag, first: cellText(r.first_ts)!, last: cellText(r.last_ts)! }));
    rowsKept = result.rows.reduce((n, r) => n + Number(r.row_count), 0);
  } catch (err) {
    error = err instanceof DayFailure ? err.message : `${day}: unexpected error: ${(err as Error).message}; the next run retries the day.`;
  }

  const readings = read?.readings;
  const alarms = read?.['alarm-events'];
  const bad: BadRow[] = [...(readings?.bad ?? []), ...(alarms?.bad ?? [])];
  const files = direct ? effective.length : (readings?.files ?? 0) + (alarms?.files ?? 0);
  const bytes = direct ? effective.reduce((n, o) => n + o.size, 0) : (readings?.bytes ?? 0) + (alarms?.bytes ?? 0);
  const rowsIn = direct ? direct.readings : (readings?.rows ?? 0);
  const status = error === undefined ? 'succeeded' : 'failed';
  const finished = ctx.now();

  const auditRow = {
    day,
    run_id: ctx.runId,
    status,
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    source_fingerprint: target.fingerprint,
    files,
    bytes,
    rows_in: rowsIn,
    rows_kept: status === 'succeeded' ? rowsKept : 0,
    duplicates_dropped: status === 'succeeded' ? rowsIn - rowsKept : 0,
    bad_rows: auditedBadRows(bad),
    job_ids: jobIds,
    error: error ?? null,
  };
  // Streamed, not loaded: a back-fill of years would pass BigQuery's 1,500 load jobs per table per day.
  const insertId = `${ctx.runId}-${day}`;
  await timed(ctx.timings, 'audit', () => ctx.warehouse.insertRow(TABLES.loadAudit.name, auditRow, insertId)).catch((err: Error) => {
    // Without its audit row a loaded day looks unloaded and is loaded again next run: safe, so
    // this fails the day rather than the run.
    error = `${error ? `${error} ` : ''}Writing the load_audit row of ${day} failed too: ${err.message}; the next run loads the day again.`;
  });

  const report: DayReport = {
    day,
    status: error === undefined ? 'succeeded' : 'failed',
    reason: target.reason,
    files,
    bytes,
    rowsIn,
    rowsKept: auditRow.rows_kept,
    duplicatesDropped: auditRow.duplicates_dropped,
    badRows: bad.length,
    badRowSamples: bad.slice(0, 5),
    alarmEvents: direct ? direct.eventIds : (alarms?.eventIds.size ?? 0),
    jobIds,
    durationMs: Math.round(performance.now() - t0),
    ...(error === undefined ? {} : { error }),
  };
  return { report, seen: error === undefined ? seen : [] };
}

function auditedBadRows(bad: readonly BadRow[]): BadRow[] {
  if (bad.length <= MAX_AUDITED_BAD_ROWS) return [...bad];
  const kept = bad.slice(0, MAX_AUDITED_BAD_ROWS - 1);
  return [
    ...kept,
    { file: '(more)', line: 0, reason: `${bad.length - kept.length} more bad rows in the same files, not listed here (only the first 999 are kept)` },
  ];
}
