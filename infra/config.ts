// Stack config, read once and checked. Every key is declared in Pulumi.yaml (type, description,
// default); the CLI fills in those defaults, so this module holds no defaults of its own and a
// missing key means the stack really lacks it. Any problem fails the program before a single
// resource is declared, with a message naming the key and the command that fixes it.
import * as pulumi from '@pulumi/pulumi';
import { FUNCTIONS, SUBSCRIPTIONS, type FunctionName } from '../functions/core/resources.ts';
import { bucketPrefix, cron, email, httpsUrl, member, memory, path, region, timeZone } from './config-checks.ts';
import { ConfigReader, type RawConfig } from './config-readers.ts';
import { readPanelConfig } from './panel-config.ts';
import type { PanelAccess } from '../functions/core/panel-access.ts';
import { SETTINGS } from '../functions/core/function-env.ts';
import { WEBHOOK_BUDGET_SECONDS } from '../functions/adapters/webhook-client.ts';
import { MAX_STATE_SHARDS } from '../functions/core/state-shards.ts';

export const NAMESPACE = 'plantlake';

/** The Cloud Run size of one function (its environment variables are the config table's, infra/env.ts). */
export interface FunctionSizing {
  /** Cloud Run memory, e.g. `512Mi`. */
  readonly memory: string;
  readonly timeoutSeconds: number;
  readonly maxInstances: number;
}

export interface PlantlakeConfig {
  readonly stack: string;
  readonly project: string;
  readonly region: string;
  readonly bigQueryLocation: string;
  readonly bucketPrefix: string;
  readonly coldlineAgeDays: number;
  /** Days after which raw objects are deleted; undefined keeps them forever. */
  readonly retentionDays: number | undefined;
  readonly stateShards: number;
  /** Seconds detect, notify and the sweep trust a checked rules / tag catalog generation. */
  readonly configCheckSeconds: number;
  /** Minimum seconds between two chat messages for the same site, tag and condition. */
  readonly notifyThrottleSeconds: number;
  readonly dailySchedule: string;
  readonly dailyTimeZone: string;
  readonly functions: Readonly<Record<FunctionName, FunctionSizing>>;
  /** Recipients of operations alerts (stack config key `alertEmails`, kept for existing stacks). */
  readonly operationsEmails: readonly string[];
  /** Quarantined messages per site per hour above which operations are alerted. */
  readonly quarantineAlertThreshold: number;
  /** Google group e-mail of the analysts. */
  readonly analystGroup: string;
  /** IAM members (gateways) allowed to publish to the readings topic. */
  readonly readingsPublishers: readonly string[];
  readonly chatWebhookUrl: pulumi.Output<string>;
  readonly chatWebhookFormat: 'google-chat' | 'slack' | 'teams';
  /** Recipients of alarm notifications by e-mail (sent by a log-based alert policy). */
  readonly alarmEmails: readonly string[];
  /** Protect stateful resources from deletion (prod). */
  readonly protect: boolean;
  readonly functionsDistDir: string;
  readonly rulesFile: string;
  readonly tagCatalogFile: string;
  readonly viewsDir: string;
  /** Who sees which site on the live panel and in BigQuery (infra/panel-config.ts). */
  readonly panelAccess: PanelAccess;
}

/**
 * The daily job's default time budget, from the config table: the Pulumi program does not set
 * PLANTLAKE_DAILY_TIME_BUDGET_SECONDS, so the function runs with this default.
 */
const DEFAULT_TIME_BUDGET_SECONDS = SETTINGS.dailyTimeBudgetSeconds.parse(undefined);

/** Cloud Scheduler allows an HTTP target at most 30 minutes per attempt. */
const SCHEDULER_MAX_ATTEMPT_SECONDS = 1800;

/** Reads the stack config; `raw` and `stack` are for tests, the program passes nothing. */
export function loadConfig(raw: RawConfig = (k) => pulumi.runtime.getConfig(k), stack: string = pulumi.getStack()): PlantlakeConfig {
  const r = new ConfigReader(NAMESPACE, raw);
  const req = { required: true } as const;

  const project = r.string({
    ...req,
    key: 'project',
    expect: 'the Google Cloud project id to deploy into',
    example: 'my-plantlake-dev',
    check: (v) => (/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(v) ? undefined : 'not a project id'),
  });
  const regionV = r.string({ ...req, key: 'region', expect: 'a Google Cloud region', example: 'europe-west1', check: region });
  const bigQueryLocation = r.string({
    ...req,
    key: 'bigQueryLocation',
    expect: 'a BigQuery location (US, EU or a region)',
    example: 'EU',
    check: (v) => (/^(US|EU|[a-z]+-[a-z]+\d+)$/.test(v) ? undefined : 'not a BigQuery location'),
  });
  const prefix = r.string({
    ...req,
    key: 'bucketPrefix',
    expect: 'a globally unique bucket name prefix',
    example: 'acme-plantlake-dev',
    check: bucketPrefix,
  });
  const coldlineAgeDays = r.integer({
    ...req,
    key: 'coldlineAgeDays',
    expect: 'a whole number of days ≥ 1',
    example: '30',
    min: 1,
  });
  const retentionDays = r.integer({
    key: 'retentionDays',
    expect: 'a whole number of days ≥ 1',
    example: '3650',
    min: 1,
  });
  const stateShards = r.integer({
    key: 'stateShards',
    expect: `a whole number from 1 to ${MAX_STATE_SHARDS} (set it before a site's first batch; changing it starts every site's alarm state fresh)`,
    example: '32',
    min: 1,
    max: MAX_STATE_SHARDS,
  });
  const configCheckSeconds = r.integer({
    ...req,
    key: 'configCheckSeconds',
    expect: 'a whole number of seconds ≥ 0 (0 checks the rules and tag catalog on every event)',
    example: SETTINGS.configCheckSeconds.default ?? '10',
    min: 0,
  });
  const notifyThrottleSeconds = r.integer({
    ...req,
    key: 'notifyThrottleSeconds',
    expect: 'a whole number of seconds ≥ 0',
    example: SETTINGS.notifyThrottleSeconds.default ?? '300',
    min: 0,
  });
  const dailySchedule = r.string({
    ...req,
    key: 'dailySchedule',
    expect: 'a unix-cron schedule',
    example: "'30 2 * * *'",
    check: cron,
  });
  const dailyTimeZone = r.string({
    ...req,
    key: 'dailyTimeZone',
    expect: 'an IANA time zone',
    example: 'Europe/Berlin',
    check: timeZone,
  });
  const defaults = {
    memory: r.string({ ...req, key: 'functionMemory', expect: 'a memory size', example: '256Mi', check: memory }),
    timeoutSeconds: r.integer({
      ...req,
      key: 'functionTimeoutSeconds',
      expect: 'a whole number of seconds from 1 to 3600',
      example: '50',
      min: 1,
      max: 3600,
    }),
    maxInstances: r.integer({
      ...req,
      key: 'functionMaxInstances',
      expect: 'a whole number from 1 to 1000',
      example: '10',
      min: 1,
      max: 1000,
    }),
  };
  const functions = {} as Record<FunctionName, FunctionSizing>;
  for (const fn of FUNCTIONS) {
    const mem = r.string({ key: `${fn}Memory`, expect: 'a memory size', example: '512Mi', check: memory });
    const timeoutKey = `${fn}TimeoutSeconds`;
    const timeout = r.integer({
      key: timeoutKey,
      expect: 'a whole number of seconds from 1 to 3600',
      example: '50',
      min: 1,
      max: 3600,
    });
    const max = r.integer({ key: `${fn}MaxInstances`, expect: 'a whole number from 1 to 1000', example: '5', min: 1, max: 1000 });
    const settings = {
      memory: mem ?? defaults.memory ?? '',
      timeoutSeconds: timeout ?? defaults.timeoutSeconds ?? 0,
      maxInstances: max ?? defaults.maxInstances ?? 0,
    };
    functions[fn] = settings;
    const source = r.fullKey(timeout !== undefined ? timeoutKey : 'functionTimeoutSeconds');
    // A push subscription waits ackDeadlineSeconds for the function's answer; a function that may
    // run longer gets the same message again while still working on it.
    // https://cloud.google.com/pubsub/docs/push#receive_push
    const sub = (SUBSCRIPTIONS as Record<string, { name: string; ackDeadlineSeconds: number }>)[fn];
    if (sub && settings.timeoutSeconds >= sub.ackDeadlineSeconds) {
      r.problem(
        `${source} must be below the ${sub.name} subscription's ack deadline of ${sub.ackDeadlineSeconds} s ` +
          `(got ${settings.timeoutSeconds}), or Pub/Sub redelivers messages still being processed; ` +
          `set it with pulumi config set ${r.fullKey(timeoutKey)} ${sub.ackDeadlineSeconds - 10}`,
      );
    }
    if (fn === 'daily' && settings.timeoutSeconds > SCHEDULER_MAX_ATTEMPT_SECONDS) {
      r.problem(
        `${source} must be at most ${SCHEDULER_MAX_ATTEMPT_SECONDS} s for daily (got ${settings.timeoutSeconds}): ` +
          `Cloud Scheduler gives an HTTP target at most 30 minutes per attempt; ` +
          `set it with pulumi config set ${r.fullKey(timeoutKey)} ${SCHEDULER_MAX_ATTEMPT_SECONDS}`,
      );
    }
    // daily stops starting new days after its time budget and then needs time to finish the day
    // in hand and answer; a shorter timeout would kill it mid-day with no summary logged.
    const dailyMinimum = DEFAULT_TIME_BUDGET_SECONDS + 120;
    if (fn === 'daily' && settings.timeoutSeconds < dailyMinimum) {
      r.problem(
        `${source} must be at least ${dailyMinimum} s for daily (got ${settings.timeoutSeconds}): it starts no new day after ` +
          `${DEFAULT_TIME_BUDGET_SECONDS} s and needs time to finish the day in hand; ` +
          `set it with pulumi config set ${r.fullKey(timeoutKey)} ${SCHEDULER_MAX_ATTEMPT_SECONDS}`,
      );
    }
  }
  // The key keeps its old name so existing stacks deploy unchanged; the code calls it operationsEmails.
  const operationsEmails = r.stringList({
    key: 'alertEmails',
    expect: 'a list of e-mail addresses for operations alerts',
    example: 'ops@example.com',
    item: email,
    minItems: 1,
  });
  const quarantineAlertThreshold = r.integer({
    ...req,
    key: 'quarantineAlertThreshold',
    expect: 'a whole number of quarantined messages per site per hour ≥ 0',
    example: '10',
    min: 0,
  });
  const analystGroup = r.string({
    ...req,
    key: 'analystGroup',
    expect: "the analysts' Google group e-mail",
    example: 'plant-analysts@example.com',
    check: email,
  });
  const readingsPublishers = r.stringList({
    key: 'readingsPublishers',
    expect: 'a list of IAM members allowed to publish readings',
    example: 'serviceAccount:gateway@my-project.iam.gserviceaccount.com',
    item: member,
    minItems: 0,
  });
  // Read as plain text once to check it, then carried only as a Pulumi secret.
  const webhook = r.string({
    ...req,
    secret: true,
    key: 'chatWebhookUrl',
    expect: 'the chat webhook URL for alarm notifications (a secret)',
    example: "'https://chat.googleapis.com/v1/spaces/…'",
    check: httpsUrl,
  });
  const chatWebhookFormat = r.string({
    ...req,
    key: 'chatWebhookFormat',
    expect: 'google-chat, slack or teams',
    example: 'google-chat',
    check: (v) => (['google-chat', 'slack', 'teams'].includes(v) ? undefined : 'unknown format'),
  });
  const alarmEmails = r.stringList({
    key: 'alarmEmails',
    expect: 'a list of e-mail addresses for alarm notifications',
    example: 'control-room@example.com',
    item: email,
    minItems: 0,
  });
  const protect = r.boolean({ ...req, key: 'protect', expect: 'true or false', example: 'true' });
  const functionsDistDir = r.string({ ...req, key: 'functionsDistDir', expect: 'a folder path', example: 'dist/functions', check: path });
  const rulesFile = r.string({ ...req, key: 'rulesFile', expect: 'a file path', example: 'config/rules.yaml', check: path });
  const tagCatalogFile = r.string({ ...req, key: 'tagCatalogFile', expect: 'a file path', example: 'config/tags.yaml', check: path });
  const viewsDir = r.string({ ...req, key: 'viewsDir', expect: 'a folder path', example: 'sql/views', check: path });

  // BigQuery loads from Cloud Storage need the bucket inside the dataset's location.
  // https://cloud.google.com/bigquery/docs/batch-loading-data#data-locations
  if (regionV && bigQueryLocation) {
    const ok = bigQueryLocation === 'US' ? regionV.startsWith('us-') : bigQueryLocation === 'EU' ? regionV.startsWith('europe-') : bigQueryLocation === regionV;
    if (!ok) {
      r.problem(
        `${r.fullKey('bigQueryLocation')} (${bigQueryLocation}) must contain ${r.fullKey('region')} (${regionV}), ` +
          `because the daily load reads the raw bucket in that region; set it with pulumi config set ${r.fullKey('bigQueryLocation')} ${regionV}`,
      );
    }
  }

  // Retention counts from an object's last write, and the Coldline move rewrites it: a retention
  // at or below the Coldline age would delete days before (or as) they move, and the daily job
  // would meet days that vanish under it.
  if (retentionDays !== undefined && coldlineAgeDays !== undefined && retentionDays <= coldlineAgeDays) {
    r.problem(
      `${r.fullKey('retentionDays')} (${retentionDays}) must be greater than ${r.fullKey('coldlineAgeDays')} (${coldlineAgeDays}): ` +
        `raw days are deleted only after they moved to Coldline; set it with pulumi config set ${r.fullKey('retentionDays')} ${Math.max(coldlineAgeDays + 90, 365)} ` +
        `(or lower ${r.fullKey('coldlineAgeDays')}, or remove retentionDays to keep raw data forever)`,
    );
  }
  // notify gives the chat webhook at most its retry budget; the function must outlive it, or
  // Cloud Run kills notify mid-retry and the alert waits for Pub/Sub's redelivery.
  const notifyMinimum = WEBHOOK_BUDGET_SECONDS + 10;
  if (functions.notify.timeoutSeconds < notifyMinimum) {
    r.problem(
      `${r.fullKey('notifyTimeoutSeconds')} (or ${r.fullKey('functionTimeoutSeconds')}) must be at least ${notifyMinimum} s for notify ` +
        `(got ${functions.notify.timeoutSeconds}): its webhook retries take up to ${WEBHOOK_BUDGET_SECONDS} s; ` +
        `set it with pulumi config set ${r.fullKey('notifyTimeoutSeconds')} 50`,
    );
  }
  // Runs never overlap (the daily lease); more instances would only wait for it.
  if (functions.daily.maxInstances > 1) {
    r.problem(
      `${r.fullKey('dailyMaxInstances')} must be 1 (got ${functions.daily.maxInstances}): one daily run holds the lease at a time and another instance ` +
        `would only wait for it; set it with pulumi config set ${r.fullKey('dailyMaxInstances')} 1`,
    );
  }
  const panelAccess = readPanelConfig(r);

  r.throwIfProblems(stack);
  // Past this point every required value is present and checked.
  const must = <T>(v: T | undefined): T => v as T;
  return {
    stack,
    project: must(project),
    region: must(regionV),
    bigQueryLocation: must(bigQueryLocation),
    bucketPrefix: must(prefix),
    coldlineAgeDays: must(coldlineAgeDays),
    retentionDays,
    stateShards: stateShards ?? 1,
    configCheckSeconds: must(configCheckSeconds),
    notifyThrottleSeconds: must(notifyThrottleSeconds),
    dailySchedule: must(dailySchedule).trim(),
    dailyTimeZone: must(dailyTimeZone),
    functions,
    operationsEmails: must(operationsEmails),
    quarantineAlertThreshold: must(quarantineAlertThreshold),
    analystGroup: must(analystGroup),
    readingsPublishers: must(readingsPublishers),
    chatWebhookUrl: pulumi.secret(must(webhook)),
    chatWebhookFormat: must(chatWebhookFormat) as PlantlakeConfig['chatWebhookFormat'],
    alarmEmails: must(alarmEmails),
    protect: must(protect),
    functionsDistDir: must(functionsDistDir),
    rulesFile: must(rulesFile),
    tagCatalogFile: must(tagCatalogFile),
    viewsDir: must(viewsDir),
    panelAccess: must(panelAccess),
  };
}
