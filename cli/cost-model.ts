// The monthly bill of a plant on plantlake, per component, from the price table in
// config/prices.yaml: what `npx plantlake cost` prints. Message, object and row sizes are not
// guessed: they are measured on a sample batch built and encoded exactly as the gateway, land and
// the daily load do it (JSON or gzip on the wire, gzip NDJSON in the raw zone, BigQuery's logical
// row size). The per-reading design (one call, one object and one streaming insert per reading)
// is billed beside it, with the same prices, to show what batching buys.
import { gzipSync } from 'node:zlib';
import { parseDocument } from 'yaml';
import { dailyRunTime, type DailyTime } from './daily-time-model.ts';
import {
  BIGQUERY_FAIL_SAFE_DAYS,
  BIGQUERY_STORAGE_BILLING,
  BIGQUERY_TIME_TRAVEL_HOURS,
  MAX_READINGS_PER_BATCH,
  MESSAGE_RETENTION_SECONDS,
  toReadingRow,
  type ReadingBatch,
  type ReadingRow,
} from '../functions/core/index.ts';

export const PRICE_KEYS = [
  'pubsubThroughput',
  'pubsubStorage',
  'runRequests',
  'runCpu',
  'runMemory',
  'storageStandard',
  'storageColdline',
  'storageClassAStandard',
  'storageClassBStandard',
  'storageClassAColdline',
  'storageColdlineRetrieval',
  'bigqueryActiveStorage',
  'bigqueryLongTermStorage',
  'bigqueryActivePhysicalStorage',
  'bigqueryLongTermPhysicalStorage',
  'bigqueryQueries',
  'bigqueryStreamingInserts',
  'schedulerJobs',
  'loggingIngestion',
] as const;
export type PriceKey = (typeof PRICE_KEYS)[number];

export interface Price {
  readonly price: number;
  readonly unit: string;
  readonly what: string;
  readonly source: string;
  /** Day of the copy of the source page the price was checked against, or "unverified". */
  readonly read: string;
  /** Monthly free allowance, in `unit`s. */
  readonly free: number;
}
export type PriceTable = Readonly<Record<PriceKey, Price>>;

/** Reads config/prices.yaml, naming the key and the fix for anything missing or malformed. */
export function parsePriceTable(text: string): PriceTable {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`price table is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const prices = (doc.toJS() as { prices?: Record<string, Partial<Price>> } | null)?.prices ?? {};
  const table: Partial<Record<PriceKey, Price>> = {};
  for (const key of PRICE_KEYS) {
    const p = prices[key];
    if (p === undefined) throw new Error(`price table: prices.${key} is missing; add it with price, unit, what, source and read`);
    if (typeof p.price !== 'number' || !(p.price >= 0)) throw new Error(`price table: prices.${key}.price must be a number ≥ 0`);
    for (const field of ['unit', 'what', 'source', 'read'] as const) {
      if (typeof p[field] !== 'string' || p[field] === '') throw new Error(`price table: prices.${key}.${field} must be a non-empty string`);
    }
    if (!/^https:\/\//.test(p.source!)) throw new Error(`price table: prices.${key}.source must be the https address of the price page`);
    if (p.read !== 'unverified' && !/^\d{4}-\d{2}-\d{2}$/.test(p.read!))
      throw new Error(`price table: prices.${key}.read must be a date (YYYY-MM-DD) or "unverified"`);
    if (p.free !== undefined && !(typeof p.free === 'number' && p.free >= 0)) throw new Error(`price table: prices.${key}.free must be a number ≥ 0`);
    table[key] = { price: p.price, unit: p.unit!, what: p.what!, source: p.source!, read: p.read!, free: p.free ?? 0 };
  }
  return table as PriceTable;
}

export interface Plant {
  readonly tags: number;
  readonly sites: number;
  /** Seconds between two readings of one tag. */
  readonly intervalSeconds: number;
  /**
   * How often each site's gateway publishes: every reading interval (the default, alarms at once)
   * or less often, buffering several intervals into one batch (fewer messages and objects, alarms
   * up to that much later). A batch holds at most MAX_READINGS_PER_BATCH readings.
   */
  readonly batchSeconds: number;
  /** Body encoding on the wire: plain ReadingBatch JSON, or gzip (Telegraf's content_encoding). */
  readonly wire: 'json' | 'gzip';
  /** Raw-zone retention in days; null keeps the raw zone (the system of record) for good. */
  readonly retentionDays: number | null;
  readonly coldlineAgeDays: number;
  /** Which month of operation to bill storage for (storage grows until retention stops it). */
  readonly month: number;
  /**
   * BigQuery storage billing model of the dataset: logical (uncompressed bytes) or physical
   * (compressed bytes, at twice the price, plus time travel and fail-safe copies; what plantlake
   * deploys).
   */
  readonly bigqueryStorage: 'logical' | 'physical';
  /** Analysts' query volume, TiB processed a month (a stated assumption, not derived). */
  readonly queryTiBPerMonth: number;
  readonly alarmsPerDay: number;
  /** Cloud Run functions instance size and time billed per request (100 ms steps). */
  readonly functionMemoryGiB: number;
  readonly functionVcpu: number;
  readonly billedSecondsPerRequest: number;
}

/** R1 of the scale issue: 10,000 tags over 10 sites, every 10 s, a batch per site per interval. */
export const R1: Plant = {
  tags: 10_000,
  sites: 10,
  intervalSeconds: 10,
  batchSeconds: 10,
  // The shipped Telegraf configs (gateway/telegraf/*.conf) publish gzip; `plantlake publish` sends JSON.
  wire: 'gzip',
  retentionDays: null,
  coldlineAgeDays: 30,
  month: 12,
  // What the Pulumi program sets on the dataset (functions/core/resources.ts).
  bigqueryStorage: BIGQUERY_STORAGE_BILLING === 'PHYSICAL' ? 'physical' : 'logical',
  queryTiBPerMonth: 1,
  alarmsPerDay: 100,
  // Pulumi.prod.yaml's functionMemory 512Mi; Cloud Run gives 512 MiB functions 1/3 vCPU.
  functionMemoryGiB: 0.5,
  functionVcpu: 1 / 3,
  billedSecondsPerRequest: 0.1,
};

export interface Sizes {
  /** Pub/Sub message body per reading (JSON or gzip, as `wire` says). */
  readonly wireBytesPerReading: number;
  /** Fixed part of a message (batch header, attributes). */
  readonly wireBytesPerBatch: number;
  /** gzip NDJSON bytes per reading in the raw zone. */
  readonly rawBytesPerReading: number;
  /** BigQuery logical bytes per `readings` row. */
  readonly bigqueryBytesPerRow: number;
}

/** A deterministic sample: `n` tags of one site at one time, values with a plant's precision. */
function sampleBatch(n: number, at: Date, seq: number): ReadingBatch {
  let seed = 12345 + seq;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const systems = ['EGB', 'EGC', 'HHA', 'LAB', 'LAC', 'BBA'];
  const quantities = ['CL', 'CT', 'CP', 'CF', 'CE'];
  const units: Record<string, string> = { CL: '%', CT: 'degC', CP: 'bar', CF: 'm3/h', CE: 'kW' };
  const readings = Array.from({ length: n }, (_, i) => {
    const q = quantities[i % quantities.length]!;
    const tag = `10${systems[Math.floor(i / 5) % systems.length]}${String(10 + (Math.floor(i / 30) % 90)).padStart(2, '0')}${q}${String(1 + (i % 999)).padStart(3, '0')}`;
    return {
      tag,
      ts: new Date(at.getTime() + Math.floor(next() * 1000)).toISOString(),
      value: Math.round(next() * 100_000) / 100,
      quality: 'good' as const,
      unit: units[q]!,
    };
  });
  return { batchId: `REF-01-${at.getTime()}-${seq}`, site: 'REF-01', source: 'telegraf@gw-ref-01', sentAt: at.toISOString(), readings };
}

/** BigQuery's logical size of a row: STRING 2 + UTF-8 bytes, FLOAT64 and TIMESTAMP 8, NULL 0. */
export function bigqueryLogicalBytes(row: ReadingRow): number {
  const text = (s: string | null) => (s === null ? 0 : 2 + Buffer.byteLength(s));
  return text(row.site) + text(row.tag) + 8 + (row.value === null ? 0 : 8) + text(row.quality) + text(row.unit) + text(row.batch_id) + 8;
}

/** Readings per batch and batches per interval of a plant. */
export function batchShape(plant: Pick<Plant, 'tags' | 'sites' | 'intervalSeconds' | 'batchSeconds'>): { readingsPerBatch: number; batchesPerMonth: number } {
  const perSitePerBatch = (plant.tags / plant.sites) * Math.max(1, plant.batchSeconds / plant.intervalSeconds);
  const splits = Math.ceil(perSitePerBatch / MAX_READINGS_PER_BATCH);
  const publishesPerMonth = MONTH_SECONDS / Math.max(plant.batchSeconds, plant.intervalSeconds);
  return { readingsPerBatch: perSitePerBatch / splits, batchesPerMonth: plant.sites * splits * publishesPerMonth };
}

/** Measures the sizes on `batches` sample batches of the plant's batch size. */
export function measureSizes(plant: Pick<Plant, 'tags' | 'sites' | 'intervalSeconds' | 'batchSeconds' | 'wire'>, batches = 5): Sizes {
  const readingsPerBatch = Math.max(1, Math.round(batchShape(plant).readingsPerBatch));
  let body = 0;
  let raw = 0;
  let bq = 0;
  let readings = 0;
  const empty = Buffer.byteLength(JSON.stringify({ ...sampleBatch(1, new Date(0), 0), readings: [] }));
  for (let i = 0; i < batches; i++) {
    const batch = sampleBatch(readingsPerBatch, new Date(Date.UTC(2026, 10, 1, 8, 0, i * 10)), i);
    const json = Buffer.from(JSON.stringify(batch));
    body += plant.wire === 'gzip' ? gzipSync(json).length : json.length;
    const rows = batch.readings.map((r) => toReadingRow(batch, r, new Date(Date.UTC(2026, 10, 1, 8, 0, i * 10 + 1))));
    raw += gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n').length;
    bq += rows.reduce((sum, r) => sum + bigqueryLogicalBytes(r), 0);
    readings += rows.length;
  }
  const header = plant.wire === 'gzip' ? 0 : empty;
  return {
    wireBytesPerReading: (body - header * batches) / readings,
    wireBytesPerBatch: header + 64, // + attributes (site, source) and ordering key
    rawBytesPerReading: raw / readings,
    bigqueryBytesPerRow: bq / readings,
  };
}

export interface BillLine {
  readonly component: string;
  readonly item: string;
  readonly quantity: number;
  readonly price: PriceKey;
  /** Cost at list price, and after the price's monthly free allowance. */
  readonly list: number;
  readonly billed: number;
}

export interface Bill {
  readonly lines: readonly BillLine[];
  readonly list: number;
  readonly billed: number;
  readonly readingsPerMonth: number;
  readonly batchesPerMonth: number;
  /** List cost per million readings (the free tier is left out: it does not scale). */
  readonly perMillionReadings: number;
  /** One-off: reading one month of Coldline raw data back to rebuild it. */
  readonly coldlineRebuildPerMonthOfData: number;
  /** One scheduled daily run on Google Cloud, by calculation (daily-time-model.ts). */
  readonly daily?: DailyTime;
}

const MONTH_SECONDS = 30 * 86_400;
const GIB = 2 ** 30;
const TIB = 2 ** 40;
/** A Pub/Sub request is billed at least this many bytes. */
const PUBSUB_MIN_BYTES = 1000;
/** Log bytes per function request: the function's own entry plus Cloud Run's request log. */
const LOG_BYTES_PER_REQUEST = 1_600;
/** Days a replaced partition's old bytes stay billable on the physical model: the dataset's time travel, then fail-safe. */
const PHYSICAL_HISTORY_DAYS = BIGQUERY_TIME_TRAVEL_HOURS / 24 + BIGQUERY_FAIL_SAFE_DAYS;

function billOf(prices: PriceTable, items: readonly Omit<BillLine, 'list' | 'billed'>[]): Pick<Bill, 'lines' | 'list' | 'billed'> {
  // A free allowance applies once per price, however many lines use it.
  const used = new Map<PriceKey, number>();
  const lines = items.map((item) => {
    const p = prices[item.price];
    const before = used.get(item.price) ?? 0;
    used.set(item.price, before + item.quantity);
    const freeLeft = Math.max(0, p.free - before);
    return { ...item, list: item.quantity * p.price, billed: Math.max(0, item.quantity - freeLeft) * p.price };
  });
  return { lines, list: lines.reduce((s, l) => s + l.list, 0), billed: lines.reduce((s, l) => s + l.billed, 0) };
}

function functionLines(
  plant: Plant,
  component: string,
  requests: number,
  secondsPerRequest = plant.billedSecondsPerRequest,
): Omit<BillLine, 'list' | 'billed'>[] {
  const seconds = requests * secondsPerRequest;
  return [
    { component, item: 'requests', quantity: requests / 1e6, price: 'runRequests' },
    { component, item: 'CPU', quantity: seconds * plant.functionVcpu, price: 'runCpu' },
    { component, item: 'memory', quantity: seconds * plant.functionMemoryGiB, price: 'runMemory' },
  ];
}

/** plantlake's own design: batches, one raw object per batch, a daily batch load. */
export function billPlant(prices: PriceTable, plant: Plant, sizes: Sizes = measureSizes(plant)): Bill {
  const intervals = MONTH_SECONDS / plant.intervalSeconds;
  const readingsPerMonth = plant.tags * intervals;
  const { readingsPerBatch, batchesPerMonth: batches } = batchShape(plant);
  const messageBytes = Math.max(PUBSUB_MIN_BYTES, sizes.wireBytesPerBatch + readingsPerBatch * sizes.wireBytesPerReading);
  const alarms = plant.alarmsPerDay * 30;
  const days = 30;
  // Storage in the billed month: days of raw data kept, the newest coldlineAgeDays in Standard.
  const daysKept = Math.min(plant.month * 30, plant.retentionDays ?? Infinity);
  const rawPerDay = (readingsPerMonth / 30) * sizes.rawBytesPerReading;
  const bqPerDay = (readingsPerMonth / 30) * sizes.bigqueryBytesPerRow;
  const bqDays = plant.month * 30;
  // Compressed size: gzip NDJSON stands in (BigQuery's columnar compression of clustered rows
  // does at least as well), so the physical figure errs high.
  const physicalPerDay = (readingsPerMonth / 30) * sizes.rawBytesPerReading;
  const compactedPerMonth = Math.max(plant.sites, Math.ceil(rawPerDay / (64 * 2 ** 20))) * days; // ≥ one compacted object per site and day
  const daily = dailyRunTime({
    readingsPerDay: readingsPerMonth / 30,
    objectsPerDay: batches / 30,
    sites: plant.sites,
    rawBytesPerReading: sizes.rawBytesPerReading,
    bigqueryBytesPerRow: sizes.bigqueryBytesPerRow,
    coldlineAgeDays: plant.coldlineAgeDays,
    daysInLake: daysKept,
    retention: plant.retentionDays !== null,
  });
  // Coldline's 90-day minimum: data deleted earlier is billed the days it missed.
  const coldlineStay = plant.retentionDays === null ? Infinity : plant.retentionDays - plant.coldlineAgeDays;
  const earlyDays = plant.retentionDays !== null && plant.month * 30 > plant.retentionDays && coldlineStay < 90 ? 90 - Math.max(0, coldlineStay) : 0;
  const items: Omit<BillLine, 'list' | 'billed'>[] = [
    { component: 'Pub/Sub', item: 'readings: publish + detect and land deliveries', quantity: (3 * batches * messageBytes) / TIB, price: 'pubsubThroughput' },
    { component: 'Pub/Sub', item: 'alerts: publish + notify delivery', quantity: (2 * alarms * 2 * PUBSUB_MIN_BYTES) / TIB, price: 'pubsubThroughput' },
    {
      component: 'Pub/Sub',
      item: `readings topic retention (${MESSAGE_RETENTION_SECONDS / 86_400} days)`,
      quantity: ((batches / 30) * messageBytes * (MESSAGE_RETENTION_SECONDS / 86_400)) / GIB,
      price: 'pubsubStorage',
    },
    ...functionLines(plant, 'land', batches),
    ...functionLines(plant, 'detect', batches),
    ...functionLines(plant, 'notify', alarms * 2),
    ...functionLines(plant, 'daily', days, daily.seconds),
    { component: 'Cloud Storage', item: 'land: one raw object per batch (insert)', quantity: batches / 1000, price: 'storageClassAStandard' },
    { component: 'Cloud Storage', item: 'detect: site state write per batch', quantity: batches / 1000, price: 'storageClassAStandard' },
    { component: 'Cloud Storage', item: 'detect: site state read per batch', quantity: batches / 1000, price: 'storageClassBStandard' },
    // The listing window and weekly sweep (functions/daily/listing-window.ts), 1,000 objects a page.
    {
      component: 'Cloud Storage',
      item: 'daily: list what can have changed every run (1,000 objects a page)',
      quantity: (days * daily.requests.listPages) / 1000,
      price: 'storageClassAStandard',
    },
    {
      component: 'Cloud Storage',
      item: 'daily: compose compacted objects (32 sources a request, a tree)',
      quantity: (days * daily.requests.composes) / 1000,
      price: 'storageClassAStandard',
    },
    {
      component: 'Cloud Storage',
      item: 'daily: a compaction manifest per compacted object (insert)',
      quantity: compactedPerMonth / 1000,
      price: 'storageClassAStandard',
    },
    // Nothing is read: BigQuery reads gs:// server-side (no operation charge), compose concatenates server-side; deletes are free.
    {
      component: 'Cloud Storage',
      item: 'daily: move compacted objects to Coldline (rewrite)',
      quantity: compactedPerMonth / 1000,
      price: 'storageClassAColdline',
    },
    {
      component: 'Cloud Storage',
      item: `Standard: newest ${Math.min(daysKept, plant.coldlineAgeDays)} days of raw data`,
      quantity: (Math.min(daysKept, plant.coldlineAgeDays) * rawPerDay) / GIB,
      price: 'storageStandard',
    },
    {
      component: 'Cloud Storage',
      item: `Coldline: ${Math.max(0, daysKept - plant.coldlineAgeDays)} older days of raw data`,
      quantity: (Math.max(0, daysKept - plant.coldlineAgeDays) * rawPerDay) / GIB,
      price: 'storageColdline',
    },
    ...(earlyDays > 0
      ? [
          {
            component: 'Cloud Storage',
            item: `Coldline early deletion (${Math.max(0, coldlineStay)} of its 90 minimum days)`,
            quantity: (earlyDays * rawPerDay) / GIB,
            price: 'storageColdline' as const,
          },
        ]
      : []),
    ...bigqueryStorageLines(plant, bqDays, bqPerDay, physicalPerDay),
    { component: 'BigQuery', item: "analysts' queries (stated volume)", quantity: plant.queryTiBPerMonth, price: 'bigqueryQueries' },
    { component: 'Scheduler', item: 'daily job', quantity: 1, price: 'schedulerJobs' },
    {
      component: 'Logging',
      item: 'function and request logs',
      quantity: ((2 * batches + alarms * 2 + days) * LOG_BYTES_PER_REQUEST) / GIB,
      price: 'loggingIngestion',
    },
  ];
  const bill = billOf(prices, items);
  return {
    ...bill,
    readingsPerMonth,
    batchesPerMonth: batches,
    perMillionReadings: bill.list / (readingsPerMonth / 1e6),
    coldlineRebuildPerMonthOfData: ((30 * rawPerDay) / GIB) * prices.storageColdlineRetrieval.price,
    daily,
  };
}

function bigqueryStorageLines(plant: Plant, days: number, logicalPerDay: number, physicalPerDay: number): Omit<BillLine, 'list' | 'billed'>[] {
  const active = Math.min(days, 90);
  const longTerm = Math.max(0, days - 90);
  if (plant.bigqueryStorage === 'logical') {
    return [
      {
        component: 'BigQuery',
        item: `readings, active logical (newest ${active} days)`,
        quantity: (active * logicalPerDay) / GIB,
        price: 'bigqueryActiveStorage',
      },
      {
        component: 'BigQuery',
        item: `readings, long-term logical (${longTerm} older days)`,
        quantity: (longTerm * logicalPerDay) / GIB,
        price: 'bigqueryLongTermStorage',
      },
    ];
  }
  // The daily replace rewrites a day once, so time travel and fail-safe hold one more copy of
  // the newest days' bytes.
  const history = Math.min(days, PHYSICAL_HISTORY_DAYS);
  return [
    {
      component: 'BigQuery',
      item: `readings, active physical (newest ${active} days + ${history} of history)`,
      quantity: ((active + history) * physicalPerDay) / GIB,
      price: 'bigqueryActivePhysicalStorage',
    },
    {
      component: 'BigQuery',
      item: `readings, long-term physical (${longTerm} older days)`,
      quantity: (longTerm * physicalPerDay) / GIB,
      price: 'bigqueryLongTermPhysicalStorage',
    },
  ];
}

/** The design plantlake avoids: a message, a function call, an object and a streaming insert per reading. */
export function billPerReading(prices: PriceTable, plant: Plant, sizes: Sizes = measureSizes(plant)): Bill {
  const readings = plant.tags * (MONTH_SECONDS / plant.intervalSeconds);
  const messageBytes = Math.max(PUBSUB_MIN_BYTES, 200);
  const items: Omit<BillLine, 'list' | 'billed'>[] = [
    { component: 'Pub/Sub', item: 'a message per reading: publish + one delivery', quantity: (2 * readings * messageBytes) / TIB, price: 'pubsubThroughput' },
    ...functionLines(plant, 'per-reading function', readings),
    { component: 'Cloud Storage', item: 'an object per reading (insert)', quantity: readings / 1000, price: 'storageClassAStandard' },
    {
      component: 'BigQuery',
      item: 'streaming insert per reading (≥ 1 KB a row)',
      quantity: (readings * Math.max(1024, sizes.bigqueryBytesPerRow)) / GIB,
      price: 'bigqueryStreamingInserts',
    },
    { component: 'Logging', item: 'function and request logs', quantity: (readings * LOG_BYTES_PER_REQUEST) / GIB, price: 'loggingIngestion' },
  ];
  const bill = billOf(prices, items);
  return { ...bill, readingsPerMonth: readings, batchesPerMonth: readings, perMillionReadings: bill.list / (readings / 1e6), coldlineRebuildPerMonthOfData: 0 };
}

/** Issue 18's goal for the list cost of a million readings. */
export const GOAL_PER_MILLION_READINGS = 0.01;

/**
 * The shortest batch period (a whole number of reading intervals, up to `maxSeconds`) at which the
 * plant's list cost per million readings is within `goal`, with that cost; null if none is. Batches
 * are what the bill's largest lines scale with (an object, a state write, two calls each), so this is
 * the lever a plant has without a design change: alarms wait up to that long at the gateway.
 */
export function batchSecondsForGoal(
  prices: PriceTable,
  plant: Plant,
  goal = GOAL_PER_MILLION_READINGS,
  maxSeconds = 600,
): { batchSeconds: number; perMillionReadings: number } | null {
  const step = plant.intervalSeconds;
  const last = Math.floor(maxSeconds / step);
  if (last < 1) return null;
  // Bytes per reading only shrink as batches grow (gzip has more context): priced with the longest
  // candidate's sizes, the first period that could meet the goal; from there, each candidate with
  // the sizes measured at its own batch size, as `plantlake cost --batch-seconds` bills it.
  const smallest = measureSizes({ ...plant, batchSeconds: last * step }, 1);
  let k = 1;
  while (k <= last && billPlant(prices, { ...plant, batchSeconds: k * step }, smallest).perMillionReadings > goal) k++;
  for (; k <= last; k++) {
    const candidate = { ...plant, batchSeconds: k * step };
    const bill = billPlant(prices, candidate);
    if (bill.perMillionReadings <= goal) return { batchSeconds: candidate.batchSeconds, perMillionReadings: bill.perMillionReadings };
  }
  return null;
}
