// Every environment variable a function, the panel or the CLI reads, declared once: name, type,
// default, parser, a one-line description, who reads it and who sets it (in the spirit of the
// Functions Framework's options.ts). Each function's settings (settingsFor), the Pulumi env blocks
// (infra/env.ts), the CLI's flags (cli/setting-options.ts) and README's "Settings" table are
// derived from it, so a setting cannot exist in code and be missing from deployment. Pure: the
// environment is passed in. A missing or malformed value stops the reader at start, with a
// message naming the variable, what is wrong and how to fix it.
import { parsePanelAccess, type PanelAccess } from './panel-access.ts';
import { DATASET, TOPICS } from './resources.ts';
import {
  json,
  list,
  oneOf,
  optionalText,
  required,
  seconds,
  setting,
  SettingProblem,
  SettingsError,
  text,
  whole,
  badValue,
  type Setting,
  type SettingReader,
  type SettingSource,
} from './setting-kinds.ts';
import { MAX_STATE_SHARDS } from './state-shards.ts';
import { BIGQUERY_MIN_MS, parseRfc3339 } from './time.ts';

export { SettingProblem, SettingsError, type Setting, type SettingReader, type SettingSource };

export type WebhookFormat = 'google-chat' | 'slack' | 'teams';
export const WEBHOOK_FORMATS = ['google-chat', 'slack', 'teams'] as const satisfies readonly WebhookFormat[];
export type RowChecks = 'on-refusal' | 'always';

/** Oldest accepted reading time: older than any historian a back-fill would come from, newer than a reset clock (1970, 1601, 0000). */
export const DEFAULT_OLDEST_READING = '1980-01-01T00:00:00Z';
/** UTC days one batch may touch: each is one raw object and one day the daily job (re)loads. */
export const DEFAULT_MAX_DAYS_PER_BATCH = 31;

const FUNCTIONS_AND_PANEL = ['land', 'detect', 'notify', 'daily', 'sweep', 'panel'] as const;

export const SETTINGS = {
  environment: setting({
    env: 'PLANTLAKE_ENVIRONMENT',
    type: 'text',
    default: 'local',
    description: 'Environment name (dev, prod, local), carried in logs and notifications.',
    readers: FUNCTIONS_AND_PANEL,
    source: 'pulumi',
    parse: text('local'),
  }),
  rawBucket: setting({
    env: 'PLANTLAKE_RAW_BUCKET',
    type: 'bucket name',
    default: undefined,
    description: 'The raw zone bucket: readings, quarantine, alarm state, live snapshots, the notify ledger.',
    readers: ['land', 'detect', 'notify', 'daily', 'sweep', 'panel', 'cli'],
    source: 'pulumi',
    flag: '--raw-bucket <name>',
    parse: required('the raw zone bucket'),
  }),
  configBucket: setting({
    env: 'PLANTLAKE_CONFIG_BUCKET',
    type: 'bucket name',
    default: undefined,
    description: 'The config bucket: alarm rules, tag catalog, tariffs.',
    readers: ['detect', 'notify', 'daily', 'sweep', 'panel', 'cli'],
    source: 'pulumi',
    flag: '--config-bucket <name>',
    parse: required('the config bucket (rules, tag catalog)'),
  }),
  alertsTopic: setting({
    env: 'PLANTLAKE_ALERTS_TOPIC',
    type: 'topic name',
    default: TOPICS.alerts,
    description: 'Pub/Sub topic alarm transitions are published to.',
    readers: ['detect', 'sweep'],
    source: 'pulumi',
    parse: text(TOPICS.alerts),
  }),
  stateShards: setting({
    env: 'PLANTLAKE_STATE_SHARDS',
    type: `whole number 1–${MAX_STATE_SHARDS}`,
    default: '1',
    description: 'Alarm state objects per site (state-shards.ts); must not change while sites have alarm state.',
    readers: ['detect', 'sweep'],
    source: 'pulumi',
    parse: whole(1, MAX_STATE_SHARDS, 1),
  }),
  configCheckSeconds: setting({
    env: 'PLANTLAKE_CONFIG_CHECK_SECONDS',
    type: 'seconds',
    default: '10',
    description: 'Seconds a checked generation of the rules (detect, sweep) or tag catalog (notify) is trusted; 0 checks every event.',
    readers: ['detect', 'notify', 'sweep'],
    source: 'pulumi',
    parse: seconds(10),
  }),
  oldestReading: setting({
    env: 'PLANTLAKE_OLDEST_READING',
    type: 'RFC 3339 time',
    default: DEFAULT_OLDEST_READING,
    description: 'Readings older than this are quarantined as a clock fault (land) and not evaluated (detect).',
    readers: ['land', 'detect'],
    source: 'default',
    parse: (raw, name): number => {
      if (raw === undefined) return parseRfc3339(DEFAULT_OLDEST_READING);
      const ms = parseRfc3339(raw);
      if (Number.isNaN(ms) || ms < BIGQUERY_MIN_MS) {
        badValue(
          name,
          "an RFC 3339 time from 0001-01-01T00:00:00Z on (BigQuery's first day)",
          raw,
          `Set it like ${DEFAULT_OLDEST_READING}, or unset it for that default.`,
        );
      }
      return ms;
    },
  }),
  maxDaysPerBatch: setting({
    env: 'PLANTLAKE_MAX_DAYS_PER_BATCH',
    type: 'whole number ≥ 1',
    default: String(DEFAULT_MAX_DAYS_PER_BATCH),
    description: 'UTC days one batch may touch; a batch spanning more is quarantined (send back-fills day by day).',
    readers: ['land', 'detect'],
    source: 'default',
    parse: whole(1, Number.MAX_SAFE_INTEGER, DEFAULT_MAX_DAYS_PER_BATCH),
  }),
  webhookUrl: setting({
    env: 'PLANTLAKE_WEBHOOK_URL',
    type: 'URL',
    default: 'unset: no chat message',
    description: 'Chat webhook for alarm notifications (Secret Manager in Google Cloud).',
    readers: ['notify'],
    source: 'secret',
    parse: optionalText,
  }),
  webhookFormat: setting({
    env: 'PLANTLAKE_WEBHOOK_FORMAT',
    type: WEBHOOK_FORMATS.join(' | '),
    default: 'google-chat',
    description: 'Shape of the chat message.',
    readers: ['notify'],
    source: 'pulumi',
    parse: oneOf(WEBHOOK_FORMATS, 'google-chat'),
  }),
  alarmEmails: setting({
    env: 'PLANTLAKE_ALARM_EMAILS',
    type: 'comma-separated e-mails',
    default: 'unset: none',
    description: 'Recipients of alarm notifications by e-mail, carried in each notification log entry (stack config alarmEmails; not the operations alerts).',
    readers: ['notify'],
    source: 'pulumi',
    parse: list,
  }),
  notifyThrottleSeconds: setting({
    env: 'PLANTLAKE_NOTIFY_THROTTLE_SECONDS',
    type: 'whole number of seconds',
    default: '300',
    description: 'Minimum seconds between two chat messages for the same site, tag and condition.',
    readers: ['notify'],
    source: 'pulumi',
    parse: whole(0, Number.MAX_SAFE_INTEGER, 300),
  }),
  dataset: setting({
    env: 'PLANTLAKE_DATASET',
    type: 'dataset id',
    default: DATASET,
    description: 'BigQuery dataset the daily job loads into and the CLI queries.',
    readers: ['daily', 'cli'],
    source: 'pulumi',
    flag: '--dataset <id>',
    parse: text(DATASET),
  }),
  bigqueryLocation: setting({
    env: 'PLANTLAKE_BQ_LOCATION',
    type: 'BigQuery location',
    default: "unset: the client's default",
    description: 'Location of the dataset, where BigQuery jobs run (e.g. EU).',
    readers: ['daily', 'cli'],
    source: 'pulumi',
    flag: '--location <location>',
    parse: optionalText,
  }),
  coldlineAgeDays: setting({
    env: 'PLANTLAKE_COLDLINE_AGE_DAYS',
    type: 'whole number of days ≥ 1',
    default: '30',
    description: 'Loaded days older than this move to Coldline.',
    readers: ['daily', 'cli'],
    source: 'pulumi',
    flag: '--coldline-age-days <n>',
    parse: whole(1, Number.MAX_SAFE_INTEGER, 30),
  }),
  retentionDays: setting({
    env: 'PLANTLAKE_RETENTION_DAYS',
    type: 'whole number of days ≥ 1',
    default: 'unset: kept for ever',
    description: 'Loaded days older than this are deleted from the raw zone.',
    readers: ['daily', 'cli'],
    source: 'pulumi',
    flag: '--retention-days <n>',
    parse: whole(1, Number.MAX_SAFE_INTEGER, undefined),
  }),
  dailyRowChecks: setting({
    env: 'PLANTLAKE_DAILY_ROW_CHECKS',
    type: 'on-refusal | always',
    default: 'on-refusal',
    description: 'on-refusal: BigQuery loads from gs:// and rows are read only when it refuses one; always: check every line first.',
    readers: ['daily', 'cli'],
    source: 'default',
    parse: oneOf(['on-refusal', 'always'] as const satisfies readonly RowChecks[], 'on-refusal'),
  }),
  dailyTimeBudgetSeconds: setting({
    env: 'PLANTLAKE_DAILY_TIME_BUDGET_SECONDS',
    type: 'whole number of seconds ≥ 1',
    default: '1500',
    description:
      'A scheduled run starts no new day after this long (a request may ask for less); the Pulumi program checks the daily timeout leaves 120 s more.',
    readers: ['daily'],
    source: 'default',
    parse: whole(1, Number.MAX_SAFE_INTEGER, 1500),
  }),
  panelAccess: setting({
    env: 'PLANTLAKE_PANEL_ACCESS',
    type: 'JSON',
    default: undefined,
    description: 'Who may see which site: {headOffice: [members], sites: {SITE: [members]}} (stack config panelAccess).',
    readers: ['panel'],
    source: 'pulumi',
    parse: (raw, name): PanelAccess => {
      const result = parsePanelAccess(json(name, required('who may see which site')(raw, name)), name);
      if (!result.ok) throw new SettingProblem(result.reason);
      return result.access;
    },
  }),
  panelAudience: setting({
    env: 'PLANTLAKE_PANEL_IAP_AUDIENCE',
    type: 'text',
    default: undefined,
    description: 'Expected aud of the IAP assertion: /projects/NUMBER/locations/REGION/services/NAME.',
    readers: ['panel'],
    source: 'pulumi',
    parse: required('the IAP audience of this service'),
  }),
  panelLocalKeys: setting({
    env: 'PLANTLAKE_PANEL_LOCAL_IAP_KEYS',
    type: 'JSON',
    default: 'unset: IAP’s published keys',
    description: 'LOCAL ONLY: {kid: PEM public key} replacing IAP’s published keys; never set in Google Cloud.',
    readers: ['panel'],
    source: 'local',
    parse: (raw, name): Readonly<Record<string, string>> | null => {
      if (raw === undefined) return null;
      const keys = json(name, raw);
      if (keys === null || typeof keys !== 'object' || Object.values(keys).some((k) => typeof k !== 'string' || !k.includes('BEGIN PUBLIC KEY'))) {
        throw new SettingProblem(`${name} must map key ids to PEM public keys; it is for local runs only, unset it in Google Cloud.`);
      }
      return keys as Record<string, string>;
    },
  }),
  port: setting({
    env: 'PORT',
    type: 'port number',
    default: '8080',
    description: 'Port the panel listens on.',
    readers: ['panel'],
    source: 'cloud-run',
    parse: whole(0, 65535, 8080),
  }),
} as const;

/**
 * Read by clients.ts (targetFromEnv) for every reader, never part of a function's settings: which
 * Google Cloud (or emulators) the clients talk to.
 */
export const CLIENT_SETTINGS = {
  pubsubEmulator: setting({
    env: 'PUBSUB_EMULATOR_HOST',
    type: 'host:port',
    default: 'unset: Google Cloud',
    description: 'The Pub/Sub emulator; set with the two below or not at all.',
    readers: [...FUNCTIONS_AND_PANEL, 'cli'],
    source: 'local',
    parse: optionalText,
  }),
  storageEmulator: setting({
    env: 'PLANTLAKE_STORAGE_EMULATOR',
    type: 'http://host:port',
    default: 'unset: Google Cloud',
    description: 'The Cloud Storage emulator (STORAGE_EMULATOR_HOST is refused: the Node client builds wrong URLs with it).',
    readers: [...FUNCTIONS_AND_PANEL, 'cli'],
    source: 'local',
    parse: optionalText,
  }),
  bigqueryEmulator: setting({
    env: 'PLANTLAKE_BIGQUERY_EMULATOR',
    type: 'http://host:port',
    default: 'unset: Google Cloud',
    description: 'The BigQuery emulator.',
    readers: [...FUNCTIONS_AND_PANEL, 'cli'],
    source: 'local',
    parse: optionalText,
  }),
  projectId: setting({
    env: 'PLANTLAKE_PROJECT_ID',
    type: 'project id',
    default: 'GOOGLE_CLOUD_PROJECT, else the credentials’ project (emulators: plantlake-local)',
    description: 'Project the clients work in.',
    readers: [...FUNCTIONS_AND_PANEL, 'cli'],
    source: 'default',
    parse: optionalText,
  }),
} as const;

type Table = typeof SETTINGS;
export type SettingKey = keyof Table;
export type SettingValue<K extends SettingKey> = ReturnType<Table[K]['parse']>;
/** The keys a reader gets. */
export type KeysOf<R extends SettingReader> = { [K in SettingKey]: R extends Table[K]['readers'][number] ? K : never }[SettingKey];
/** A reader's typed settings: only the variables it reads. */
export type SettingsOf<R extends SettingReader> = { readonly [K in KeysOf<R>]: SettingValue<K> };

export type LandSettings = SettingsOf<'land'>;
export type DetectSettings = SettingsOf<'detect'>;
export type NotifySettings = SettingsOf<'notify'>;
export type SweepSettings = SettingsOf<'sweep'>;
export type DailyEnvSettings = SettingsOf<'daily'>;
export type PanelEnvSettings = SettingsOf<'panel'>;

/** Variable names by key, for code that sets them (the local runtime, tests, infra). */
export const ENV = Object.fromEntries(Object.entries(SETTINGS).map(([k, s]) => [k, s.env])) as { readonly [K in SettingKey]: Table[K]['env'] };

type Env = Readonly<Record<string, string | undefined>>;

/** Blank counts as unset: an env block that writes "" means "use the default". */
function rawOf(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** The keys a reader gets, in table order. */
export function keysOf(reader: SettingReader): SettingKey[] {
  return (Object.keys(SETTINGS) as SettingKey[]).filter((k) => (SETTINGS[k].readers as readonly SettingReader[]).includes(reader));
}

/** Reads the given keys; every problem is gathered, so one start names all of them. */
export function readSettings<K extends SettingKey>(keys: readonly K[], env: Env): { readonly [P in K]: SettingValue<P> } {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const k of keys) {
    const s = SETTINGS[k] as Setting;
    try {
      out[k] = s.parse(rawOf(env, s.env));
    } catch (err) {
      if (!(err instanceof SettingProblem)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return out as { readonly [P in K]: SettingValue<P> };
}

/** The settings of one reader; throws a SettingsError naming each missing or malformed variable. */
export function settingsFor<R extends SettingReader>(reader: R, env: Env): SettingsOf<R> {
  return readSettings(keysOf(reader), env) as unknown as SettingsOf<R>;
}

/** Every declared variable, settings then client settings, for the README table and the checks. */
export function allSettings(): readonly (readonly [string, Setting])[] {
  return [...Object.entries(SETTINGS), ...Object.entries(CLIENT_SETTINGS)] as [string, Setting][];
}
