// A plantlake lake of its own for one daily test file: raw and config buckets, a dataset with the
// four tables (views only when asked), and raw objects written exactly as land and detect write
// them (gzip NDJSON, application/x-ndjson + Content-Encoding gzip, names from the core's lake
// paths).
// Each daily test file starts an emulator stack of its own (about 0.2 s) instead of using the
// suite's shared one: the BigQuery emulator keeps memory from every query it parses and never
// gives it back (README, known gaps), and the daily tests run hundreds of queries; on a stack of
// their own that memory goes when the file ends and other files' tests are not affected.
import { gzipSync } from 'node:zlib';
import type { Bucket } from '@google-cloud/storage';
import { TABLE_FIELDS, tableMetadata } from '../../../../functions/adapters/bigquery-tables.ts';
import { createLogger } from '../../../../functions/adapters/log.ts';
import { parseBatch, rawObjectName, readingsByDay, toReadingRow, TABLES } from '../../../../functions/core/index.ts';
import { createContext, type DailyContext } from '../../../../functions/daily/context.ts';
import type { RunReport } from '../../../../functions/daily/report.ts';
import { runDaily, type RunOptions } from '../../../../functions/daily/run.ts';
import type { DailySettings } from '../../../../functions/daily/settings.ts';
import { pipelineNames, provision } from '../../../../local/provision.ts';
import { startEmulators } from '../../../../local/emulators/stack.ts';
import { createClients, type Clients, type Target } from '../../../../functions/adapters/clients.ts';
import type { ReadingRow } from '../../../../schemas/rows.ts';
import { uniqueName } from '../../../harness/emulators.ts';

export interface TestLake {
  /** The lake's own emulator stack, for a child process (envForTarget) or more clients. */
  readonly target: Target;
  readonly clients: Clients;
  readonly raw: Bucket;
  readonly config: Bucket;
  readonly dataset: string;
  readonly settings: DailySettings;
  /** Structured log lines of every run so far. */
  readonly logs: string[];
  context(now?: Date, settings?: Partial<DailySettings>): Promise<DailyContext>;
  run(options: RunOptions, now?: Date, settings?: Partial<DailySettings>): Promise<RunReport>;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** `project.dataset.table` in backticks. */
  t(table: string): string;
  /** Stops the lake's emulator stack (afterAll). */
  stop(): Promise<void>;
}

export async function createTestLake(prefix: string, options: { views?: boolean } = {}): Promise<TestLake> {
  const stack = await startEmulators();
  const target: Target = { kind: 'emulators', projectId: stack.projectId, ...stack.endpoints };
  const c = createClients(target);
  const names = pipelineNames({ suffix: uniqueName(prefix) });
  if (options.views) {
    await provision(c, names);
  } else {
    await c.storage.createBucket(names.buckets.raw);
    await c.storage.createBucket(names.buckets.config);
    const [dataset] = await c.bigquery.createDataset(names.dataset);
    for (const [key, spec] of Object.entries(TABLES) as [keyof typeof TABLES, (typeof TABLES)[keyof typeof TABLES]][]) {
      await dataset.createTable(spec.name, tableMetadata(spec, TABLE_FIELDS[key]));
    }
  }
  const projectId = await c.bigquery.getProjectId();
  const logs: string[] = [];
  const settings: DailySettings = {
    rawBucket: names.buckets.raw,
    configBucket: names.buckets.config,
    dataset: names.dataset,
    coldlineAgeDays: 30,
    retentionDays: undefined,
    location: undefined,
    maxCompactedBytes: 64 * 1024 * 1024,
    concurrency: 8,
  };
  const context = (now = new Date(), more: Partial<DailySettings> = {}) =>
    createContext(
      c,
      { ...settings, ...more },
      createLogger({ function: 'daily' }, (line) => logs.push(line)),
      () => now,
    );
  return {
    target,
    clients: c,
    stop: () => stack.stop(),
    raw: c.storage.bucket(names.buckets.raw),
    config: c.storage.bucket(names.buckets.config),
    dataset: names.dataset,
    settings,
    logs,
    context,
    run: async (runOptions, now, more) => runDaily(await context(now, more), runOptions),
    async query<T>(sql: string) {
      const [job] = await c.bigquery.createQueryJob({ query: sql });
      const [rows] = await job.getQueryResults();
      return rows as T[];
    },
    t: (table) => `\`${projectId}.${names.dataset}.${table}\``,
  };
}

/** Writes one raw object the way land and detect do. Lines may be rows or raw text (to write bad lines). */
export async function putObject(bucket: Bucket, name: string, lines: readonly (object | string)[]): Promise<void> {
  const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  await bucket.file(name).save(gzipSync(text), {
    resumable: false,
    metadata: { contentType: 'application/x-ndjson', contentEncoding: 'gzip' },
    preconditionOpts: { ifGenerationMatch: 0 },
  });
}

export interface BatchSpec {
  readonly batchId: string;
  readonly site: string;
  /** tag, ts, value (quality good unless given). */
  readonly readings: readonly { tag: string; ts: string; value: number | null; quality?: 'good' | 'uncertain' | 'bad' }[];
  readonly ingestedAt: string;
}

/**
 * Publishes a batch into the raw zone as land would: validated by the core, split by UTC day,
 * one object per day named from the batch id, rows from the core's mapping. Returns the rows.
 */
export async function publish(bucket: Bucket, spec: BatchSpec): Promise<ReadingRow[]> {
  const body = JSON.stringify({
    batchId: spec.batchId,
    site: spec.site,
    source: 'test-gateway',
    sentAt: spec.ingestedAt,
    readings: spec.readings.map((r) => ({ tag: r.tag, ts: r.ts, value: r.value, quality: r.quality ?? 'good', unit: 'bar' })),
  });
  const parsed = parseBatch(body, new Date(spec.ingestedAt));
  if (!parsed.ok) throw new Error(parsed.reason);
  const all: ReadingRow[] = [];
  for (const { day, readings } of readingsByDay(parsed.batch)) {
    const rows = readings.map((r) => toReadingRow(parsed.batch, r, new Date(spec.ingestedAt)));
    await putObject(bucket, rawObjectName(day, spec.site, spec.batchId), rows);
    all.push(...rows);
  }
  return all;
}

/** `count` readings of `tags` tags every `stepSeconds` from `start`, as batch specs of `perBatch` readings. */
export function series(
  site: string,
  start: string,
  count: number,
  options: { tags?: string[]; stepSeconds?: number; perBatch?: number; batchPrefix?: string; ingestedAt?: string; value?: (i: number) => number } = {},
): BatchSpec[] {
  const tags = options.tags ?? ['10LAB10CP001', '10LAB10CT001'];
  const step = (options.stepSeconds ?? 10) * 1000;
  const perBatch = options.perBatch ?? 100;
  const t0 = Date.parse(start);
  const readings = Array.from({ length: count }, (_, i) => ({
    tag: tags[i % tags.length]!,
    ts: new Date(t0 + Math.floor(i / tags.length) * step).toISOString(),
    value: options.value ? options.value(i) : i,
  }));
  const batches: BatchSpec[] = [];
  for (let i = 0; i < readings.length; i += perBatch) {
    batches.push({
      batchId: `${options.batchPrefix ?? `${site}-b`}${String(i / perBatch).padStart(4, '0')}`,
      site,
      readings: readings.slice(i, i + perBatch),
      ingestedAt: options.ingestedAt ?? new Date(Date.parse(readings[Math.min(i + perBatch, readings.length) - 1]!.ts) + 5000).toISOString(),
    });
  }
  return batches;
}

/** The rows of one day of readings, sorted, as plain text (for exact comparison). */
export async function dayRows(lake: TestLake, day: string): Promise<string[]> {
  const rows = await lake.query<Record<string, unknown>>(
    `SELECT site, tag, UNIX_MILLIS(ts) AS ts, value, quality, unit, batch_id, UNIX_MILLIS(ingested_at) AS ingested_at ` +
      `FROM ${lake.t('readings')} WHERE ts >= TIMESTAMP('${day}') AND ts < TIMESTAMP_ADD(TIMESTAMP('${day}'), INTERVAL 1 DAY)`,
  );
  const iso = (ms: unknown) => new Date(Number(ms)).toISOString();
  return rows.map((r) => JSON.stringify([r.site, r.tag, iso(r.ts), r.value, r.quality, r.unit, r.batch_id, iso(r.ingested_at)])).sort();
}

/** The same form for expected rows. */
export function rowKeys(rows: readonly ReadingRow[]): string[] {
  const ms = (t: string) => new Date(t).toISOString();
  return rows.map((r) => JSON.stringify([r.site, r.tag, ms(r.ts), r.value, r.quality, r.unit, r.batch_id, ms(r.ingested_at)])).sort();
}

/** The rows a correct load keeps: one per (site, tag, ts), the latest ingested (then greatest batch id). */
export function expectedRows(rows: readonly ReadingRow[]): ReadingRow[] {
  const best = new Map<string, ReadingRow>();
  for (const r of rows) {
    const k = `${r.site}\n${r.tag}\n${Date.parse(r.ts)}`;
    const b = best.get(k);
    if (!b || Date.parse(r.ingested_at) > Date.parse(b.ingested_at) || (r.ingested_at === b.ingested_at && r.batch_id > b.batch_id)) best.set(k, r);
  }
  return [...best.values()];
}

/**
 * load_audit rows of a day, with the number of bad rows instead of their list: the emulator cannot
 * read back a STRUCT whose strings hold some quotes or parentheses (README, known gaps).
 */
export async function auditRows(lake: TestLake, day: string): Promise<Record<string, unknown>[]> {
  return lake.query(
    `SELECT CAST(day AS STRING) AS day, run_id, status, source_fingerprint, files, bytes, rows_in, rows_kept, duplicates_dropped, job_ids, error, ARRAY_LENGTH(bad_rows) AS bad_row_count ` +
      `FROM ${lake.t('load_audit')} WHERE day = '${day}' ORDER BY finished_at`,
  );
}
