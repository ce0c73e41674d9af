// What the daily job is configured with: its variables from the config table
// (functions/core/function-env.ts), and for the CLI the same variables overridden by flags. Pure.
import { ENV, SETTINGS, settingsFor, type DailyEnvSettings, type RowChecks } from '../core/function-env.ts';

export type { RowChecks };

/** BigQuery location for jobs; the Pulumi program sets it on the daily function. */
export const BQ_LOCATION_ENV = ENV.bigqueryLocation;
export const ROW_CHECKS_ENV = ENV.dailyRowChecks;

/** Compacted objects are packed up to this many stored bytes of their sources (≈ 64 MiB gzip each). */
export const DEFAULT_MAX_COMPACTED_BYTES = 64 * 1024 * 1024;

/**
 * A scheduled run stops starting new days after this long (PLANTLAKE_DAILY_TIME_BUDGET_SECONDS
 * unset), leaving time to finish the day in hand and answer: the function's timeout is at most
 * 1800 s (the Cloud Scheduler attempt deadline limit, enforced by infra/config.ts). The next run
 * continues where this one stopped.
 */
export const DEFAULT_TIME_BUDGET_SECONDS = SETTINGS.dailyTimeBudgetSeconds.parse(undefined);

export interface DailySettings {
  readonly rawBucket: string;
  readonly configBucket: string;
  readonly dataset: string;
  readonly coldlineAgeDays: number;
  readonly retentionDays: number | undefined;
  readonly location: string | undefined;
  readonly maxCompactedBytes: number;
  /** How many objects are read, listed or moved at once. */
  readonly concurrency: number;
  /**
   * 'on-refusal' (default): BigQuery loads a day's objects from gs:// and the job reads them only
   * when BigQuery refuses a row; 'always': read and check every line first (stage-direct.ts).
   */
  readonly rowChecks?: RowChecks | undefined;
}

export interface SettingOverrides {
  readonly rawBucket?: string | undefined;
  readonly configBucket?: string | undefined;
  readonly dataset?: string | undefined;
  readonly coldlineAgeDays?: number | undefined;
  readonly retentionDays?: number | undefined;
  readonly location?: string | undefined;
  readonly maxCompactedBytes?: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The job's settings from the daily function's variables (function-env.ts). */
export function dailySettingsOf(s: DailyEnvSettings, overrides: Pick<SettingOverrides, 'maxCompactedBytes'> = {}): DailySettings {
  return {
    rawBucket: s.rawBucket,
    configBucket: s.configBucket,
    dataset: s.dataset,
    coldlineAgeDays: s.coldlineAgeDays,
    retentionDays: s.retentionDays,
    location: s.bigqueryLocation,
    maxCompactedBytes: overrides.maxCompactedBytes ?? DEFAULT_MAX_COMPACTED_BYTES,
    concurrency: 8,
    rowChecks: s.dailyRowChecks,
  };
}

/** Settings from the environment, flags first; throws naming each variable that is missing or wrong. */
export function dailySettings(env: Env, overrides: SettingOverrides = {}): DailySettings {
  const merged: Record<string, string | undefined> = { ...env };
  if (overrides.rawBucket) merged[ENV.rawBucket] = overrides.rawBucket;
  if (overrides.configBucket) merged[ENV.configBucket] = overrides.configBucket;
  if (overrides.dataset) merged[ENV.dataset] = overrides.dataset;
  if (overrides.location) merged[ENV.bigqueryLocation] = overrides.location;
  if (overrides.coldlineAgeDays !== undefined) merged[ENV.coldlineAgeDays] = String(overrides.coldlineAgeDays);
  if (overrides.retentionDays !== undefined) merged[ENV.retentionDays] = String(overrides.retentionDays);
  return dailySettingsOf(settingsFor('daily', merged), overrides);
}
