// How long one scheduled daily run takes on Google Cloud for a plant, by calculation: what
// `plantlake cost` prints beside the bill, and the daily function's billed time. The emulators
// cannot show it (they serialize requests and run on this machine), so each step is counts from
// the plant times a per-request figure stated here as an assumption, to be replaced by a measured
// one on the first deployment. Pure.
import { DEFAULT_MAX_COMPACTED_BYTES, DEFAULT_TIME_BUDGET_SECONDS } from '../functions/daily/settings.ts';
import { OBJECT_REQUESTS_AT_ONCE } from '../functions/adapters/lake-compaction.ts';
import { LOAD_JOBS_AT_ONCE } from '../functions/adapters/warehouse.ts';

/** Stated per-request figures (assumptions, not measurements). */
export const ASSUMED = {
  /** One Cloud Storage list page of 1,000 objects. */
  listPageSeconds: 0.15,
  /** One small-object request (get, metadata patch, delete) from a function in the bucket's region. */
  objectRequestSeconds: 0.03,
  /** A BigQuery job's fixed part (queue, start, finish). */
  jobSeconds: 3,
  /** BigQuery load of NDJSON from gs:// with thousands of files per job (spread over its workers), uncompressed bytes. */
  loadBytesPerSecond: 500e6,
  /** The replace script (DELETE, ROW_NUMBER dedupe, INSERT) over a day, logical bytes. */
  replaceBytesPerSecond: 500e6,
  /** Streaming a compacted object's bytes through the function (read + gzip + write), per stream. */
  compactBytesPerSecond: 40e6,
  /** Rewriting an object to Coldline, per byte. */
  rewriteBytesPerSecond: 100e6,
} as const;

/** The daily job's fixed shape (functions/daily). */
const CONCURRENCY = 8;
const URIS_PER_JOB = 5000;
/** Uncompressed NDJSON bytes of one `readings` row (ReadingRow JSON). */
const NDJSON_BYTES_PER_ROW = 180;

export interface DailyShape {
  readonly readingsPerDay: number;
  readonly objectsPerDay: number;
  readonly sites: number;
  readonly rawBytesPerReading: number;
  readonly bigqueryBytesPerRow: number;
  /** Days kept before compaction and Coldline (objects listed as they landed). */
  readonly coldlineAgeDays: number;
  /** Days of raw data in the lake (listed every run, compacted ones as few objects). */
  readonly daysInLake: number;
}

export interface DailyTime {
  readonly steps: readonly { readonly step: string; readonly seconds: number; readonly how: string }[];
  readonly seconds: number;
  readonly budgetSeconds: number;
}

export function dailyRunTime(d: DailyShape): DailyTime {
  const rawBytesPerDay = d.readingsPerDay * d.rawBytesPerReading;
  const compactedPerDay = Math.max(d.sites, Math.ceil(rawBytesPerDay / DEFAULT_MAX_COMPACTED_BYTES));
  const listed = (d.coldlineAgeDays + 1) * d.objectsPerDay + Math.max(0, d.daysInLake - d.coldlineAgeDays - 1) * compactedPerDay;
  const pages = Math.ceil(listed / 1000) + 2 * d.daysInLake; // + one page per kind for sparse days
  const loadJobs = Math.ceil(d.objectsPerDay / URIS_PER_JOB);
  const steps = [
    { step: 'listing', seconds: (pages * ASSUMED.listPageSeconds) / CONCURRENCY, how: `${Math.round(listed).toLocaleString('en-US')} objects listed, ${CONCURRENCY} days at once` },
    {
      step: 'staging load',
      seconds: Math.ceil(loadJobs / LOAD_JOBS_AT_ONCE) * ASSUMED.jobSeconds + (d.readingsPerDay * NDJSON_BYTES_PER_ROW) / ASSUMED.loadBytesPerSecond,
      how: `${loadJobs} load job(s) from gs://, ${LOAD_JOBS_AT_ONCE} at once; no object read by the function`,
    },
    { step: 'checks + replace', seconds: 2 * ASSUMED.jobSeconds + (2 * d.readingsPerDay * d.bigqueryBytesPerRow) / ASSUMED.replaceBytesPerSecond, how: 'staged-row count query, then the dedupe replace' },
    {
      step: 'compaction',
      // Sources are read one after another within a compaction; compactions run CONCURRENCY at
      // once; marks and deletes OBJECT_REQUESTS_AT_ONCE at once within each.
      seconds:
        (d.objectsPerDay * ASSUMED.objectRequestSeconds) / Math.min(CONCURRENCY, compactedPerDay) +
        (2 * d.objectsPerDay * ASSUMED.objectRequestSeconds) / (OBJECT_REQUESTS_AT_ONCE * Math.min(CONCURRENCY, compactedPerDay)) +
        rawBytesPerDay / (ASSUMED.compactBytesPerSecond * Math.min(CONCURRENCY, compactedPerDay)),
      how: `${d.objectsPerDay.toLocaleString('en-US')} objects → ${compactedPerDay} (read, mark, delete each)`,
    },
    { step: 'Coldline move', seconds: (compactedPerDay * ASSUMED.objectRequestSeconds + rawBytesPerDay / ASSUMED.rewriteBytesPerSecond) / CONCURRENCY, how: `${compactedPerDay} rewrites` },
  ];
  return { steps, seconds: steps.reduce((s, x) => s + x.seconds, 0), budgetSeconds: DEFAULT_TIME_BUDGET_SECONDS };
}
