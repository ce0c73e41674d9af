// What one ReadingBatch may cost and mean, beyond its schema: how far back and ahead its times
// may be, how many UTC days it may touch, how many problems a rejection lists. Pure: the
// environment is passed in. land and detect read the same limits, so detect never evaluates a
// batch that land quarantines.
import { MAX_FUTURE_SKEW_MS } from '../../schemas/reading-batch.ts';
import { parseRfc3339 } from './time.ts';

/** BigQuery TIMESTAMP and DATE start at 0001-01-01 and end at 9999-12-31 (UTC). https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#timestamp_type */
export const BIGQUERY_MIN_MS = parseRfc3339('0001-01-01T00:00:00Z');
export const BIGQUERY_MAX_MS = parseRfc3339('9999-12-31T23:59:59.999Z');

/**
 * Default oldest accepted reading time. Older than any plant historian a back-fill would come
 * from, newer than what a reset clock reads (Unix 1970, OPC UA DateTime 1601, 0000 of a PLC).
 */
export const DEFAULT_OLDEST_READING = '1980-01-01T00:00:00Z';

/**
 * UTC days one batch may touch. Each day is one raw object and one day the daily job must
 * (re)load: a batch spanning more is a back-fill that should be sent day by day.
 */
export const DEFAULT_MAX_DAYS_PER_BATCH = 31;

/** Problems kept per rejected batch: enough to fix a sender, small enough for a log entry. */
export const MAX_PROBLEMS = 100;

export interface BatchLimits {
  /** Epoch ms of the oldest accepted reading time (never before BigQuery's 0001-01-01). */
  readonly oldestMs: number;
  readonly maxFutureSkewMs: number;
  readonly maxDaysPerBatch: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  oldestMs: parseRfc3339(DEFAULT_OLDEST_READING),
  maxFutureSkewMs: MAX_FUTURE_SKEW_MS,
  maxDaysPerBatch: DEFAULT_MAX_DAYS_PER_BATCH,
};

export const BATCH_LIMIT_ENV = {
  /** RFC 3339 time; readings older than this are quarantined as a clock fault. */
  oldestReading: 'PLANTLAKE_OLDEST_READING',
  /** Whole number ≥ 1. */
  maxDaysPerBatch: 'PLANTLAKE_MAX_DAYS_PER_BATCH',
} as const;

/** The limits from the environment, defaults where unset; throws naming the variable on a bad value. */
export function readBatchLimits(env: Readonly<Record<string, string | undefined>>): BatchLimits {
  const oldestText = env[BATCH_LIMIT_ENV.oldestReading]?.trim();
  let oldestMs = DEFAULT_BATCH_LIMITS.oldestMs;
  if (oldestText) {
    oldestMs = parseRfc3339(oldestText);
    if (Number.isNaN(oldestMs) || oldestMs < BIGQUERY_MIN_MS) {
      throw new Error(
        `${BATCH_LIMIT_ENV.oldestReading} must be an RFC 3339 time from 0001-01-01T00:00:00Z on (BigQuery's first day), e.g. ${DEFAULT_OLDEST_READING}; got "${oldestText}".`,
      );
    }
  }
  const daysText = env[BATCH_LIMIT_ENV.maxDaysPerBatch]?.trim();
  let maxDaysPerBatch = DEFAULT_BATCH_LIMITS.maxDaysPerBatch;
  if (daysText) {
    maxDaysPerBatch = Number(daysText);
    if (!Number.isInteger(maxDaysPerBatch) || maxDaysPerBatch < 1) {
      throw new Error(`${BATCH_LIMIT_ENV.maxDaysPerBatch} must be a whole number ≥ 1; got "${daysText}".`);
    }
  }
  return { oldestMs, maxFutureSkewMs: MAX_FUTURE_SKEW_MS, maxDaysPerBatch };
}
