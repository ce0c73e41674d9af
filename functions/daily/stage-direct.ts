// The daily job's production path for staging a day: BigQuery reads the raw objects from gs://
// itself (no byte of them passes through the function), and what the job still checks is asked
// of the staged rows in one query. land has already validated every reading against the same
// schema (functions/core), so a bad line is a fault, not traffic; when BigQuery refuses a row
// (maxBadRecords 0) or a staged row lies outside the folder's day, the caller falls back to the
// checked path (day-reader.ts), which reads the day's objects and names each bad line by file and
// line. The emulator fails a whole load on a bad line; the fallback handles both alike.
import type { DailyContext } from './context.ts';
import { COMPACTED_FILE_PREFIX, type ObjectKind } from '../core/lake-paths.ts';
import { TABLES } from '../core/resources.ts';
import type { Staging } from './staging.ts';
import { timed } from './timings.ts';

export interface DirectStaged {
  readonly jobIds: string[];
  /** Rows BigQuery staged, per kind (rows offered to the dedupe). */
  readonly readings: number;
  readonly alarmEvents: number;
  /** Distinct alarm event ids: how many rows the dedupe keeps. */
  readonly eventIds: number;
}

/** A reason to check the day line by line instead (the day is staged again from scratch). */
export class NeedsLineChecks extends Error {}

interface CountRow {
  /** Rows readings holds for the day now (asked only when a composed object is staged). */
  loaded?: number | string;
  readings: number | string;
  readings_off_day: number | string;
  alarm_events: number | string;
  alarm_events_off_day: number | string;
  event_ids: number | string;
}

/** Stages the day's objects by URI and checks the staged rows' days; throws NeedsLineChecks on any doubt. */
export async function stageDirect(
  ctx: DailyContext,
  staging: Staging,
  names: Readonly<Record<ObjectKind, readonly string[]>>,
  start: string,
  end: string,
): Promise<DirectStaged> {
  const jobIds: string[] = [];
  await timed(ctx.timings, 'stagingLoad', async () => {
    await staging.prepare();
    for (const kind of ['readings', 'alarm-events'] as const) {
      if (names[kind].length === 0) continue;
      try {
        jobIds.push(...(await ctx.warehouse.loadObjects(staging.tables[kind], ctx.raw, names[kind])));
      } catch (err) {
        throw new NeedsLineChecks(`BigQuery refused a row of the ${kind} objects (${(err as Error).message})`, { cause: err });
      }
    }
  });
  const r = ctx.warehouse.ref(staging.tables.readings);
  const a = ctx.warehouse.ref(staging.tables['alarm-events']);
  // One query, one scan of each staging table (on BigQuery it reads the staged time columns:
  // about 0.7 GB a day at R1, a few cents a month).
  // A composed (compacted) object is several gzip members end to end. Should a load read only the
  // first member, the day would come out short with no error; but the raw zone only grows (only
  // this job deletes, and only what a verified compacted object holds), so a day reloaded with
  // fewer staged readings than it already holds is a short read: check it line by line instead.
  const composed = names.readings.some((n) => n.slice(n.lastIndexOf('/') + 1).startsWith(COMPACTED_FILE_PREFIX));
  const loaded = composed ? `, (SELECT COUNT(*) FROM \`${ctx.warehouse.ref(TABLES.readings.name)}\` WHERE ts >= @start AND ts < @end) AS loaded` : '';
  const { rows, jobId } = await timed(ctx.timings, 'rowChecks', () =>
    ctx.warehouse.query<CountRow>(
      `SELECT r.n AS readings, r.off_day AS readings_off_day, a.n AS alarm_events, a.off_day AS alarm_events_off_day, a.ids AS event_ids${loaded}
FROM (SELECT COUNT(*) AS n, COUNTIF(ts < @start OR ts >= @end) AS off_day FROM \`${r}\`) AS r
CROSS JOIN (SELECT COUNT(*) AS n, COUNTIF(reading_ts < @start OR reading_ts >= @end) AS off_day, COUNT(DISTINCT event_id) AS ids FROM \`${a}\`) AS a`,
      { start: ctx.warehouse.timestamp(start), end: ctx.warehouse.timestamp(end) },
    ),
  );
  jobIds.push(jobId);
  const c = rows[0]!;
  const offDay = Number(c.readings_off_day) + Number(c.alarm_events_off_day);
  if (offDay > 0) throw new NeedsLineChecks(`${offDay} staged row(s) are not on the day of their folder`);
  if (c.loaded !== undefined && Number(c.readings) < Number(c.loaded)) {
    throw new NeedsLineChecks(
      `BigQuery staged ${c.readings} readings from objects that hold at least the ${c.loaded} the day already has (a composed object read short?)`,
    );
  }
  return { jobIds, readings: Number(c.readings), alarmEvents: Number(c.alarm_events), eventIds: Number(c.event_ids) };
}
