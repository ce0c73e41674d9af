// The run's staging tables, one per kind: created at the first day a run loads (named after the
// run, so two runs never share one), emptied before each day and when the run ends (TRUNCATE is
// free on BigQuery), and removed by BigQuery itself a day later (expirationTime, pushed forward
// while a long back-fill is still using them).
// Why not one table per day, or an explicit drop: each table operation counts against BigQuery's
// per-dataset limits, and on the emulator every dropped table costs about a second and 170 MB of
// memory that is never given back (README, known gaps); expiry does the same job on Google Cloud
// with one code path for both.
import { TABLE_FIELDS } from '../adapters/bigquery-tables.ts';
import type { Warehouse } from '../adapters/warehouse.ts';
import type { Logger } from '../adapters/log.ts';
import type { ObjectKind } from '../core/lake-paths.ts';

const STAGING_TTL_MS = 24 * 3600_000;
/** A run older than this pushes its tables' expiry forward again. */
const EXTEND_AFTER_MS = 6 * 3600_000;
/**
 * Days staged in one pair of tables before the run moves to a fresh pair: each day costs each
 * table a load job or two, and BigQuery allows 1,500 load jobs per table per day.
 */
export const DAYS_PER_STAGING_TABLES = 500;

export interface Staging {
  /** The tables the current day loads into (they change every DAYS_PER_STAGING_TABLES days). */
  readonly tables: Readonly<Record<ObjectKind, string>>;
  /** Creates the tables on first use, empties them otherwise. */
  prepare(): Promise<void>;
  /** Empties the tables at the end of the run; BigQuery drops them when they expire. */
  release(): Promise<void>;
}

export function createStaging(warehouse: Warehouse, runId: string, log: Logger, daysPerTables = DAYS_PER_STAGING_TABLES): Staging {
  const token = runId.replace(/[^A-Za-z0-9]/g, '_');
  const named = (pair: number): Record<ObjectKind, string> => {
    const suffix = pair === 0 ? token : `${token}_${pair}`;
    return { readings: `_staging_readings_${suffix}`, 'alarm-events': `_staging_alarm_events_${suffix}` };
  };
  let tables = named(0);
  let created = false;
  let extendedAt = 0;
  let days = 0;
  const truncate = () => warehouse.query(`TRUNCATE TABLE \`${warehouse.ref(tables.readings)}\`; TRUNCATE TABLE \`${warehouse.ref(tables['alarm-events'])}\`;`);
  return {
    get tables() {
      return tables;
    },
    async prepare() {
      days += 1;
      if (created && days > 1 && (days - 1) % daysPerTables === 0) {
        // Leave the full pair empty to expire; continue in a fresh one.
        await truncate();
        tables = named((days - 1) / daysPerTables);
        created = false;
      }
      if (!created) {
        await warehouse.createTable(tables.readings, TABLE_FIELDS.readings, STAGING_TTL_MS);
        await warehouse.createTable(tables['alarm-events'], TABLE_FIELDS.alarmEvents, STAGING_TTL_MS);
        created = true;
        extendedAt = Date.now();
        return;
      }
      if (Date.now() - extendedAt > EXTEND_AFTER_MS) {
        for (const table of Object.values(tables)) await warehouse.extendTable(table, STAGING_TTL_MS);
        extendedAt = Date.now();
      }
      await truncate();
    },
    async release() {
      if (!created) return;
      await truncate().catch((err: Error) => log.warn(`could not empty the staging tables of run ${runId}; they expire within a day`, { error: err.message }));
    },
  };
}
