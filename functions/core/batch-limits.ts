// What one ReadingBatch may cost and mean, beyond its schema: how far back and ahead its times
// may be, how many UTC days it may touch, how many problems a rejection lists. Pure: the
// environment is passed in. land and detect read the same limits, so detect never evaluates a
// batch that land quarantines.
import { MAX_FUTURE_SKEW_MS } from '../../schemas/reading-batch.ts';
import { DEFAULT_MAX_DAYS_PER_BATCH, DEFAULT_OLDEST_READING, ENV, readSettings } from './function-env.ts';
import { parseRfc3339 } from './time.ts';

export { BIGQUERY_MAX_MS, BIGQUERY_MIN_MS } from './time.ts';
export { DEFAULT_MAX_DAYS_PER_BATCH, DEFAULT_OLDEST_READING };

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

/** The variables (declared in function-env.ts) that set the limits. */
export const BATCH_LIMIT_ENV = { oldestReading: ENV.oldestReading, maxDaysPerBatch: ENV.maxDaysPerBatch } as const;

/** The limits from the environment, defaults where unset; throws naming the variable on a bad value. */
export function readBatchLimits(env: Readonly<Record<string, string | undefined>>): BatchLimits {
  return batchLimitsOf(readSettings(['oldestReading', 'maxDaysPerBatch'], env));
}

/** The limits from a function's settings (function-env.ts). */
export function batchLimitsOf(s: { readonly oldestReading: number; readonly maxDaysPerBatch: number }): BatchLimits {
  return { oldestMs: s.oldestReading, maxFutureSkewMs: MAX_FUTURE_SKEW_MS, maxDaysPerBatch: s.maxDaysPerBatch };
}
