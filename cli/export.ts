// `plantlake export`: readings of a day range (or around an alarm) from BigQuery to Parquet.
// Locally the rows are read day by day and written by DuckDB (parquet-sink.ts); on Google Cloud
// `--to-bucket` runs BigQuery's own EXPORT DATA … FORMAT = 'PARQUET' into the bucket instead, one
// statement per day and site, in the same dt=/site= layout.
import type { BigQuery } from '@google-cloud/bigquery';
import { parseKks, SITE_PATTERN } from '../functions/core/index.ts';
import type { ExportRow, ParquetSink } from './parquet-sink.ts';

export interface ExportFilter {
  readonly site?: string | undefined;
  /** A KKS code or glob over it (`*` any run, `?` one character), spaces ignored. */
  readonly tag?: string | undefined;
}

export interface DayWritten {
  readonly day: string;
  readonly rows: number;
  readonly files: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A tag glob as an anchored regular expression for REGEXP_CONTAINS (not LIKE: the
 * bigquery-emulator's LIKE does not match `_`); refuses characters a KKS code never holds, so no
 * SQL can get in.
 */
export function tagPatternToRegex(pattern: string): string {
  const text = pattern.replaceAll(' ', '').toUpperCase();
  if (!/^[A-Z0-9*?]+$/.test(text)) throw new Error(`--tag "${pattern}": a KKS code or a pattern of letters, digits, * and ?, e.g. 10EGB*CL*`);
  return `^${text.replaceAll('*', '.*').replaceAll('?', '.')}$`;
}

export function checkSite(site: string): string {
  if (!new RegExp(SITE_PATTERN).test(site)) throw new Error(`--site "${site}" is not a site name (letters, digits, . _ -)`);
  return site;
}

function where(filter: ExportFilter): string {
  return (filter.site ? ` AND site = '${checkSite(filter.site)}'` : '') + (filter.tag ? ` AND REGEXP_CONTAINS(tag, r'${tagPatternToRegex(filter.tag)}')` : '');
}

/** The readings of one UTC day, in the export's shape. */
export function dayQuery(table: string, day: string, filter: ExportFilter): string {
  if (!DAY.test(day)) throw new Error(`"${day}" is not a day (YYYY-MM-DD)`);
  return (
    `SELECT site, tag, CAST(UNIX_MICROS(ts) AS STRING) AS ts_us, value, quality, unit FROM ${table} ` +
    `WHERE ts >= TIMESTAMP('${day} 00:00:00+00') AND ts < TIMESTAMP_ADD(TIMESTAMP('${day} 00:00:00+00'), INTERVAL 1 DAY)${where(filter)} ORDER BY site, tag, ts`
  );
}

/** BigQuery's own Parquet export of one day and site into gs:// (Google Cloud only). */
export function exportDataSql(readings: string, tags: string, uriPrefix: string, day: string, site: string, filter: ExportFilter): string {
  const uri = `${uriPrefix.replace(/\/+$/, '')}/dt=${day}/site=${checkSite(site)}/part-*.parquet`;
  return (
    `EXPORT DATA OPTIONS (uri = '${uri}', format = 'PARQUET', overwrite = true) AS ` +
    `SELECT r.tag, r.ts, r.value, r.quality, r.unit, t.plant AS kks_plant, t.function_key AS kks_system, t.equipment_unit AS kks_equipment_unit, t.component AS kks_component ` +
    `FROM ${readings} AS r LEFT JOIN ${tags} AS t ON t.site = r.site AND t.tag = r.tag ` +
    `WHERE r.ts >= TIMESTAMP('${day} 00:00:00+00') AND r.ts < TIMESTAMP_ADD(TIMESTAMP('${day} 00:00:00+00'), INTERVAL 1 DAY) AND r.site = '${site}'` +
    (filter.tag ? ` AND REGEXP_CONTAINS(r.tag, r'${tagPatternToRegex(filter.tag)}')` : '') +
    ' ORDER BY r.tag, r.ts'
  );
}

type Row = { site: string; tag: string; ts_us: string; value: number | null; quality: string; unit: string | null };
const toExportRow = (r: Row): ExportRow => ({ site: r.site, tag: r.tag, tsMicros: BigInt(r.ts_us), value: r.value, quality: r.quality, unit: r.unit });

export interface ExportTarget {
  readonly bigquery: BigQuery;
  /** `project.dataset` */
  readonly datasetRef: string;
  readonly location?: string | undefined;
}

async function rowsOf<T>(target: ExportTarget, sql: string): Promise<T[]> {
  const [rows] = await target.bigquery.query({ query: sql, ...(target.location ? { location: target.location } : {}) });
  return rows as T[];
}

/** Every day of [from, to], one query and one write per day. */
export async function exportDays(
  target: ExportTarget,
  sink: ParquetSink,
  days: readonly string[],
  filter: ExportFilter,
  onDay: (d: DayWritten) => void,
): Promise<DayWritten[]> {
  const done: DayWritten[] = [];
  for (const day of days) {
    const rows = (await rowsOf<Row>(target, dayQuery(`\`${target.datasetRef}.readings\``, day, filter))).map(toExportRow);
    const written = { day, rows: rows.length, files: await sink.writeDay(day, rows) };
    done.push(written);
    onDay(written);
  }
  return done;
}

export interface Incident {
  readonly eventId: string;
  readonly site: string;
  readonly tag: string;
  readonly condition: string;
  readonly readingTs: string;
  /** KKS plant + function key of the alarm's tag: the tags of its equipment share it. */
  readonly systemPrefix: string;
  readonly from: string;
  readonly to: string;
}

/** Finds the alarm and the window around it; throws with what to do when it is not there. */
export async function findIncident(target: ExportTarget, eventId: string, minutes: number): Promise<Incident> {
  if (!/^[A-Za-z0-9_.:-]{1,200}$/.test(eventId)) throw new Error(`--around "${eventId}" is not an alarm event id`);
  const rows = await rowsOf<{ site: string; tag: string; condition: string; ts_us: string }>(
    target,
    `SELECT site, tag, condition, CAST(UNIX_MICROS(reading_ts) AS STRING) AS ts_us FROM \`${target.datasetRef}.alarm_events\` WHERE event_id = '${eventId}' LIMIT 1`,
  );
  const event = rows[0];
  if (!event)
    throw new Error(
      `no alarm event ${eventId} in ${target.datasetRef}.alarm_events; the daily job loads alarm events, so check the id (plantlake query alarm_intervals) or run plantlake daily first`,
    );
  const kks = parseKks(event.tag);
  const systemPrefix = kks.ok ? `${kks.kks.plant}${kks.kks.functionKey}` : event.tag;
  const t = Number(BigInt(event.ts_us) / 1000n);
  return {
    eventId,
    site: event.site,
    tag: event.tag,
    condition: event.condition,
    readingTs: new Date(t).toISOString(),
    systemPrefix,
    from: new Date(t - minutes * 60_000).toISOString(),
    to: new Date(t + minutes * 60_000).toISOString(),
  };
}

/** Every reading of the alarm's equipment (same site, same KKS plant and system) in the window, written per UTC day. */
export async function exportIncident(target: ExportTarget, sink: ParquetSink, incident: Incident): Promise<DayWritten[]> {
  const prefix = incident.systemPrefix.replace(/[^A-Z0-9]/g, '');
  const rows = (
    await rowsOf<Row>(
      target,
      `SELECT site, tag, CAST(UNIX_MICROS(ts) AS STRING) AS ts_us, value, quality, unit FROM \`${target.datasetRef}.readings\` ` +
        `WHERE ts >= TIMESTAMP('${incident.from}') AND ts <= TIMESTAMP('${incident.to}') AND site = '${checkSite(incident.site)}' AND STARTS_WITH(tag, '${prefix}') ORDER BY tag, ts`,
    )
  ).map(toExportRow);
  const byDay = new Map<string, ExportRow[]>();
  for (const r of rows) {
    const day = new Date(Number(r.tsMicros / 1000n)).toISOString().slice(0, 10);
    const list = byDay.get(day);
    if (list) list.push(r);
    else byDay.set(day, [r]);
  }
  const done: DayWritten[] = [];
  for (const [day, dayRows] of [...byDay].sort(([a], [b]) => a.localeCompare(b)))
    done.push({ day, rows: dayRows.length, files: await sink.writeDay(day, dayRows) });
  return done;
}
