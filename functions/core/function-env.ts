// The environment variables each deployed function reads, named once: the Pulumi program sets
// them, the local runtime sets them for functions it serves, and each function's entry reads them
// here. Pure: the environment is passed in. A missing or malformed value stops the function at
// start with a message naming the variable.
import { TOPICS, DATASET } from './resources.ts';

export const ENV = {
  rawBucket: 'PLANTLAKE_RAW_BUCKET',
  configBucket: 'PLANTLAKE_CONFIG_BUCKET',
  alertsTopic: 'PLANTLAKE_ALERTS_TOPIC',
  dataset: 'PLANTLAKE_DATASET',
  /** Days after which a loaded day's raw objects move to COLDLINE. */
  coldlineAgeDays: 'PLANTLAKE_COLDLINE_AGE_DAYS',
  /** Days after which raw objects are deleted; unset keeps them for ever. */
  retentionDays: 'PLANTLAKE_RETENTION_DAYS',
  /** Chat webhook URL (from Secret Manager in Google Cloud); unset disables the chat channel. */
  webhookUrl: 'PLANTLAKE_WEBHOOK_URL',
  /** Shape of the chat message: google-chat, slack or teams. */
  webhookFormat: 'PLANTLAKE_WEBHOOK_FORMAT',
  /** Comma-separated addresses for the email path (a log-based alert policy sends the mail). */
  alertEmails: 'PLANTLAKE_ALERT_EMAILS',
  /** Minimum seconds between two notifications for the same tag and condition. */
  notifyThrottleSeconds: 'PLANTLAKE_NOTIFY_THROTTLE_SECONDS',
  /** Environment name (dev, prod, local), carried in logs and notifications. */
  environment: 'PLANTLAKE_ENVIRONMENT',
  /** BigQuery location of the dataset, where the daily job runs its jobs (e.g. EU). */
  bigqueryLocation: 'PLANTLAKE_BQ_LOCATION',
  /** Alarm state objects per site, for detect and the STALE sweep (state-shards.ts); unset: 1. */
  stateShards: 'PLANTLAKE_STATE_SHARDS',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set; the deployment (Pulumi, or the local runtime) must set it.`);
  return value;
}

function wholeNumber(env: Env, name: string, fallback: number | undefined, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be a whole number ≥ ${min}; got "${raw}".`);
  return n;
}

export type WebhookFormat = 'google-chat' | 'slack' | 'teams';

export interface FunctionSettings {
  rawBucket: string;
  configBucket: string;
  alertsTopic: string;
  dataset: string;
  coldlineAgeDays: number;
  retentionDays: number | undefined;
  webhookUrl: string | undefined;
  webhookFormat: WebhookFormat;
  alertEmails: string[];
  notifyThrottleSeconds: number;
  environment: string;
}

/** Reads every setting; the buckets are required, the rest have defaults. */
export function readSettings(env: Env): FunctionSettings {
  const format = env[ENV.webhookFormat]?.trim() || 'google-chat';
  if (format !== 'google-chat' && format !== 'slack' && format !== 'teams') {
    throw new Error(`${ENV.webhookFormat} must be google-chat, slack or teams; got "${format}".`);
  }
  return {
    rawBucket: required(env, ENV.rawBucket),
    configBucket: required(env, ENV.configBucket),
    alertsTopic: env[ENV.alertsTopic]?.trim() || TOPICS.alerts,
    dataset: env[ENV.dataset]?.trim() || DATASET,
    coldlineAgeDays: wholeNumber(env, ENV.coldlineAgeDays, 30, 1)!,
    retentionDays: wholeNumber(env, ENV.retentionDays, undefined, 1),
    webhookUrl: env[ENV.webhookUrl]?.trim() || undefined,
    webhookFormat: format,
    alertEmails: (env[ENV.alertEmails] ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    notifyThrottleSeconds: wholeNumber(env, ENV.notifyThrottleSeconds, 300, 0)!,
    environment: env[ENV.environment]?.trim() || 'local',
  };
}
