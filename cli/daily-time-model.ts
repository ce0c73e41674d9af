// How long one scheduled daily run takes on Google Cloud for a plant, by calculation: what
// `plantlake cost` prints beside the bill, and the daily function's billed time. The emulators
// cannot show it (they serialize requests and run on this machine), so each step is counts from
// the plant times a per-request figure stated here as an assumption, to be replaced by a measured
// one on the first deployment. Pure.
import { DEFAULT_MAX_COMPACTED_BYTES, DEFAULT_TIME_BUDGET_SECONDS } from '../functions/daily/settings.ts';
import { ZONE_REQUESTS_AT_ONCE } from '../functions/daily/compose-compaction.ts';
import { CATCH_UP_DAYS, RECENT_DAYS, SWEEP_DAYS } from '../functions/daily/listing-window.ts';
import { COMPOSE_MAX_SOURCES } from '../functions/core/raw-zone.ts';
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
  /** One compose request of up to 32 sources (server-side; nothing passes through the function). */
  composeSeconds: 0.25,
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
  /** Days before Coldline (compaction is the day after the load, whatever this is). */
  readonly coldlineAgeDays: number;
  /** Days of raw data in the lake (listed by the window and the weekly sweep, compacted ones as few objects). */
  readonly daysInLake: number;
  /** Retention is set: its due days are listed too. */
  readonly retention?: boolean | undefined;
}

/** Compose requests of one compose tree over n sources (functions/daily/compaction-manifest.ts). */
export function composeRequests(n: number): number {
  let requests = 0;
  for (let level = n; level > 1 || requests === 0; level = Math.ceil(level / COMPOSE_MAX_SOURCES)) {
    requests += Math.ceil(level / COMPOSE_MAX_SOURCES);
    if (level <= COMPOSE_MAX_SOURCES) break;
  }
  return requests;
}

export interface DailyTime {
  readonly steps: readonly { readonly step: string; readonly seconds: number; readonly how: string }[];
  /** Requests of one run, for the bill: list pages, compose requests (Class A), manifests written. */
  readonly requests: { readonly listPages: number; readonly composes: number; readonly manifests: number };
  readonly seconds: number;
  readonly budgetSeconds: number;
}

export function dailyRunTime(d: DailyShape): DailyTime {
  const rawBytesPerDay = d.readingsPerDay * d.rawBytesPerReading;
  const compactedPerDay = Math.max(d.sites, Math.ceil(rawBytesPerDay / DEFAULT_MAX_COMPACTED_BYTES));
  // The listing window (functions/daily/listing-window.ts): the recent days, the days a lifecycle
  // step fell due within a week, and one day in SWEEP_DAYS of the rest. Only yesterday (loaded and
  // compacted in this run) and the first hour of today are small objects; every other day is compacted.
  const listedDays = Math.min(d.daysInLake, RECENT_DAYS + 1 + CATCH_UP_DAYS * (d.retention ? 2 : 1) + Math.ceil(d.daysInLake / SWEEP_DAYS));
  const listed = d.objectsPerDay * (1 + 1 / 24) + Math.max(0, listedDays - 2) * compactedPerDay;
  // + per listed day one page per kind and one of its compaction work prefix; + the day folders.
  const pages = Math.ceil(listed / 1000) + 3 * listedDays + 2 * Math.ceil(d.daysInLake / 1000);
  const loadJobs = Math.ceil(d.objectsPerDay / URIS_PER_JOB);
  const perSite = d.objectsPerDay / d.sites;
  const groupsPerSite = Math.ceil(compactedPerDay / d.sites);
  const sourcesPerGroup = Math.ceil(perSite / groupsPerSite);
  const composes = d.sites * groupsPerSite * composeRequests(sourcesPerGroup);
  const treeLevels = Math.max(1, Math.ceil(Math.log(Math.max(2, sourcesPerGroup)) / Math.log(COMPOSE_MAX_SOURCES)));
  // Compactions CONCURRENCY at once, each ZONE_REQUESTS_AT_ONCE requests at once.
  const inFlight = CONCURRENCY * ZONE_REQUESTS_AT_ONCE;
  const deletes = d.objectsPerDay + composes - compactedPerDay; // the sources and the compose parts
  const steps = [
    {
      step: 'listing',
      seconds: (pages * ASSUMED.listPageSeconds) / CONCURRENCY,
      how: `${Math.round(listed).toLocaleString('en-US')} objects listed over ${listedDays} of ${d.daysInLake} days, ${CONCURRENCY} days at once`,
    },
    {
      step: 'staging load',
      seconds: Math.ceil(loadJobs / LOAD_JOBS_AT_ONCE) * ASSUMED.jobSeconds + (d.readingsPerDay * NDJSON_BYTES_PER_ROW) / ASSUMED.loadBytesPerSecond,
      how: `${loadJobs} load job(s) from gs://, ${LOAD_JOBS_AT_ONCE} at once; no object read by the function`,
    },
    {
      step: 'checks + replace',
      seconds: 2 * ASSUMED.jobSeconds + (2 * d.readingsPerDay * d.bigqueryBytesPerRow) / ASSUMED.replaceBytesPerSecond,
      how: 'staged-row count query, then the dedupe replace',
    },
    {
      step: 'compaction',
      seconds:
        (composes * ASSUMED.composeSeconds + deletes * ASSUMED.objectRequestSeconds) / inFlight +
        // a manifest written and deleted per compaction, and the tree's levels one after another
        (2 * compactedPerDay * ASSUMED.objectRequestSeconds) / CONCURRENCY +
        Math.ceil(compactedPerDay / CONCURRENCY) * treeLevels * ASSUMED.composeSeconds,
      how: `yesterday's ${d.objectsPerDay.toLocaleString('en-US')} objects → ${compactedPerDay} by ${composes.toLocaleString('en-US')} compose requests, ${Math.round(deletes).toLocaleString('en-US')} deletes, ${inFlight} requests at once; nothing read`,
    },
    {
      step: 'Coldline move',
      seconds: (compactedPerDay * ASSUMED.objectRequestSeconds + rawBytesPerDay / ASSUMED.rewriteBytesPerSecond) / CONCURRENCY,
      how: `${compactedPerDay} rewrites (one per site-day)`,
    },
  ];
  return {
    steps,
    requests: { listPages: pages, composes, manifests: compactedPerDay },
    seconds: steps.reduce((s, x) => s + x.seconds, 0),
    budgetSeconds: DEFAULT_TIME_BUDGET_SECONDS,
  };
}
