// Names and settings of every cloud resource plantlake uses, in one place: the Pulumi program
// (infra/) and the local runtime on the emulators both read them, so the two cannot drift.
// Pure data, no cloud import.

export const TOPICS = {
  readings: 'readings',
  alerts: 'alerts',
  readingsDeadLetter: 'readings-dead-letter',
  alertsDeadLetter: 'alerts-dead-letter',
} as const;

export interface SubscriptionSpec {
  readonly name: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  /** Seconds; the function's timeout must stay below it. */
  readonly ackDeadlineSeconds: number;
  /** Delivery attempts before the message goes to the dead-letter topic (Pub/Sub allows 5–100). */
  readonly maxDeliveryAttempts: number;
  /** Ordered delivery per ordering key (readings per site for detect, alerts per tag). */
  readonly enableMessageOrdering: boolean;
  readonly retryMinimumBackoffSeconds: number;
  readonly retryMaximumBackoffSeconds: number;
}

const retry = { retryMinimumBackoffSeconds: 10, retryMaximumBackoffSeconds: 600 } as const;

/** One subscription per consumer, so detect and land each see every batch. */
export const SUBSCRIPTIONS = {
  land: {
    name: 'readings-land',
    topic: TOPICS.readings,
    deadLetterTopic: TOPICS.readingsDeadLetter,
    ackDeadlineSeconds: 120,
    maxDeliveryAttempts: 10,
    enableMessageOrdering: false,
    ...retry,
  },
  detect: {
    name: 'readings-detect',
    topic: TOPICS.readings,
    deadLetterTopic: TOPICS.readingsDeadLetter,
    ackDeadlineSeconds: 60,
    maxDeliveryAttempts: 10,
    // Publishers set the site as ordering key: detect evaluates a site's batches in publish order.
    enableMessageOrdering: true,
    ...retry,
  },
  notify: {
    name: 'alerts-notify',
    topic: TOPICS.alerts,
    deadLetterTopic: TOPICS.alertsDeadLetter,
    ackDeadlineSeconds: 60,
    maxDeliveryAttempts: 10,
    enableMessageOrdering: true,
    ...retry,
  },
} as const satisfies Record<string, SubscriptionSpec>;

/** Pull subscriptions on the dead-letter topics, so their backlog can be watched and replayed. */
export const DEAD_LETTER_SUBSCRIPTIONS = {
  readings: { name: 'readings-dead-letter-hold', topic: TOPICS.readingsDeadLetter },
  alerts: { name: 'alerts-dead-letter-hold', topic: TOPICS.alertsDeadLetter },
} as const;

/** Message retention on topics and subscriptions: 7 days, Pub/Sub's subscription maximum. */
export const MESSAGE_RETENTION_SECONDS = 7 * 24 * 3600;

export const DATASET = 'plantlake';

/**
 * The dataset is billed on compressed (physical) bytes: sensor rows compress several-fold, which
 * outweighs the doubled unit price (`npx plantlake cost --bigquery-storage logical` shows the
 * other model). Time travel is kept at its 48 h minimum because each load replaces a whole day,
 * and on the physical model every replaced byte stays billed for the time-travel window plus
 * BigQuery's 7 days of fail-safe.
 */
export const BIGQUERY_STORAGE_BILLING = 'PHYSICAL';
export const BIGQUERY_TIME_TRAVEL_HOURS = 48;
/** Fail-safe, after time travel; fixed by BigQuery. */
export const BIGQUERY_FAIL_SAFE_DAYS = 7;

export interface TableSpec {
  readonly name: string;
  /** File in schemas/bigquery holding the field list. */
  readonly schemaFile: string;
  readonly partitionField?: string;
  readonly clustering?: readonly string[];
  readonly requirePartitionFilter?: boolean;
  readonly description: string;
}

export const TABLES = {
  readings: {
    name: 'readings',
    schemaFile: 'readings.json',
    partitionField: 'ts',
    clustering: ['site', 'tag'],
    requirePartitionFilter: true,
    description: 'Every reading, one row per site, tag and time; a day is rebuilt from the raw zone',
  },
  tags: {
    name: 'tags',
    schemaFile: 'tags.json',
    clustering: ['site', 'tag'],
    description: 'KKS tag catalog joined with the tags seen in readings',
  },
  alarmEvents: {
    name: 'alarm_events',
    schemaFile: 'alarm_events.json',
    partitionField: 'reading_ts',
    clustering: ['site', 'tag'],
    description: 'Alarm transitions (active, cleared) raised by detect',
  },
  loadAudit: {
    name: 'load_audit',
    schemaFile: 'load_audit.json',
    partitionField: 'started_at',
    description: 'One row per day loaded by the daily job: what it read, kept and dropped',
  },
  tariffs: {
    name: 'tariffs',
    schemaFile: 'tariffs.json',
    clustering: ['site'],
    description: 'Energy price grid: one row per tariff period, local weekday and hour (config tariffs/tariffs.yaml)',
  },
  energyMeters: {
    name: 'energy_meters',
    schemaFile: 'energy_meters.json',
    clustering: ['site', 'tag'],
    description: 'Energy meters costed under their site tariff (config tariffs/tariffs.yaml)',
  },
  tanks: {
    name: 'tanks',
    schemaFile: 'tanks.json',
    clustering: ['site', 'tank'],
    description: 'Storage tanks of the tag catalog: product, capacity, level and flow tags (config catalog/tags.yaml)',
  },
  // A table of its own rather than a repeated record in tanks: the bigquery-emulator sometimes
  // swaps a loaded struct's fields (README, known gaps).
  tankStrapping: {
    name: 'tank_strapping',
    schemaFile: 'tank_strapping.json',
    clustering: ['site', 'tank'],
    description: 'Strapping tables of the catalog tanks: one row per point (config catalog/tags.yaml)',
  },
} as const satisfies Record<string, TableSpec>;

/** Bucket names derive from one prefix per environment (bucket names are global). */
export function bucketNames(prefix: string) {
  return {
    raw: `${prefix}-raw`,
    config: `${prefix}-config`,
    functionSources: `${prefix}-function-sources`,
  } as const;
}

/** Object names inside the buckets. */
export const OBJECTS = {
  /** Alarm rules in the config bucket (YAML). */
  rules: 'rules/rules.yaml',
  /** Tag catalog in the config bucket (YAML). */
  tagCatalog: 'catalog/tags.yaml',
  /** Energy tariffs and meters in the config bucket (YAML). */
  tariffs: 'tariffs/tariffs.yaml',
  /** detect's prefix in the raw bucket: alarm state and its outbox (kept out of readings/). */
  alarmStatePrefix: 'state/alarms/',
  /** Alarm state of one site, or of one of its shards when the state is sharded (state-shards.ts). */
  alarmState: (site: string, shard?: { readonly index: number; readonly count: number }) =>
    shard === undefined || shard.count <= 1 ? `state/alarms/site=${site}.json` : `state/alarms/site=${site}/shard=${shard.index}-of-${shard.count}.json`,
  /** Alarm events a state commit holds until they are delivered (functions/core/alarm-outbox.ts). */
  alarmOutboxPrefix: 'state/alarms/outbox/',
  /** notify's shared record of what it sent, per site/tag/condition (functions/notify/sent-ledger.ts). */
  notifyLedgerPrefix: 'notify/sent/',
  /**
   * The daily job's lease: one run at a time (functions/daily/lease.ts). Under its own prefix, not
   * state/: daily may write only what it loads (readings/, alarm-events/) and this.
   */
  dailyLeasePrefix: 'daily/',
  dailyLease: 'daily/lease.json',
  /** The sites that have an alarm state, for the STALE sweep (functions/adapters/site-registry.ts). */
  alarmSites: 'state/alarms/sites.json',
  readingsPrefix: 'readings/',
  quarantinePrefix: 'quarantine/',
  alarmEventsPrefix: 'alarm-events/',
  /** Live snapshots (functions/core/live-snapshot.ts): the only prefix the panel reads. */
  livePrefix: 'live/',
  liveSnapshot: (site: string) => `live/site=${site}.json`,
} as const;

/**
 * `jsonPayload.event` values that log-based metrics and alert policies (infra/components/
 * observability.ts, alarm-email.ts) key on: the functions write them, the infra reads them.
 */
export const LOG_EVENTS = {
  /** daily's one summary entry per run, with status succeeded | partial | failed. */
  dailySummary: 'daily.summary',
  /** notify's entry per alarm notification, mailed by an alert policy. */
  alarmNotification: 'alarm.notification',
  /** land's entry per message (outcome landed | already-landed | quarantined | … | retry; site). */
  landBatch: 'land.batch',
  /** detect's entry per batch (outcome … | skipped-invalid | no-rules | retry). */
  detectBatch: 'detect.batch',
  /** notify could not reach the webhook (retried by Pub/Sub) / the webhook refused (given up). */
  notifyWebhookFailed: 'notify.webhook-failed',
  notifyWebhookRefused: 'notify.webhook-refused',
  /** A daily run (scheduled or CLI) found the lease held by another run. */
  dailyLeaseHeld: 'daily.lease-held',
} as const;

/** land's entry per batch (with site); the site-silence alert counts them (infra/components/detect-alerts.ts). */
export const LAND_BATCH_EVENT = 'land.batch';

/** detect's entries that the rules alert policy keys on (infra/components/detect-alerts.ts). */
export const DETECT_LOG_EVENTS = {
  batch: 'detect.batch',
  rulesInvalid: 'detect.rules-invalid',
  rulesMissing: 'detect.rules-missing',
} as const;

export const FUNCTIONS = ['detect', 'land', 'notify', 'daily', 'sweep'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
