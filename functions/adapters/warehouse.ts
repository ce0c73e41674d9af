// The daily job's view of BigQuery: staging tables, load jobs (from gs:// URIs and from rows the
// job uploads), queries and scripts, each job tagged `plantlake_daily_` and run in the dataset's
// location. Errors come back as WarehouseError naming the job, BigQuery's reason and, for loads,
// the gs:// file BigQuery pointed at.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BigQuery, Dataset, Job, Query } from '@google-cloud/bigquery';
import type { Bucket } from '@google-cloud/storage';
import type { FieldSchema } from './bigquery-tables.ts';

export const JOB_PREFIX = 'plantlake_daily_';
/** BigQuery accepts up to 10,000 source URIs per load job; stay well below. */
const URIS_PER_JOB = 5000;
/** Load jobs of one call running at once (BigQuery runs concurrent appends to a table). */
export const LOAD_JOBS_AT_ONCE = 4;

export class WarehouseError extends Error {
  readonly jobId: string | undefined;
  /** The gs:// object BigQuery named in its error, if any. */
  readonly file: string | undefined;
  constructor(message: string, jobId: string | undefined, file: string | undefined, cause?: unknown) {
    super(message, { cause });
    this.name = 'WarehouseError';
    this.jobId = jobId;
    this.file = file;
  }
}

interface JobErrorItem {
  reason?: string;
  location?: string;
  message?: string;
}

function describe(err: unknown, what: string, jobId: string | undefined): WarehouseError {
  const items = ((err as { errors?: JobErrorItem[] } | null)?.errors ?? []) as JobErrorItem[];
  const file = items.map((e) => e.location).find((l) => l?.startsWith('gs://'));
  const detail =
    items.length > 0
      ? items
          .slice(0, 3)
          .map((e) => `${e.reason ?? 'error'}: ${e.message ?? ''}`.trim())
          .join('; ')
      : (err as Error).message;
  return new WarehouseError(`${what}${jobId ? ` (job ${jobId})` : ''} failed: ${detail}`, jobId, file, err);
}

export interface QueryResult<T> {
  readonly rows: T[];
  readonly jobId: string;
}

export interface Warehouse {
  readonly projectId: string;
  readonly dataset: string;
  /** `project.dataset.table` */
  ref(table: string): string;
  timestamp(value: string): unknown;
  createTable(name: string, fields: readonly FieldSchema[], expiresInMs?: number): Promise<void>;
  /** Moves a table's expiry to `expiresInMs` from now. */
  extendTable(name: string, expiresInMs: number): Promise<void>;
  /** Appends gzip NDJSON objects to a table; one job per 5,000 URIs, LOAD_JOBS_AT_ONCE at once. */
  loadObjects(table: string, bucket: Bucket, names: readonly string[]): Promise<string[]>;
  /**
   * Loads NDJSON the job holds (a load job by upload: free, and no streaming buffer, so the rows
   * can be changed by DML right away) with the given disposition.
   */
  loadText(table: string, ndjson: string | AsyncIterable<string>, disposition: 'WRITE_APPEND' | 'WRITE_TRUNCATE'): Promise<string>;
  query<T>(sql: string, params?: Record<string, unknown>): Promise<QueryResult<T>>;
  /**
   * Streams one row in (tabledata.insertAll) with an insert id, so a retried call does not add it
   * twice. For small bookkeeping rows: no load-job quota (1,500 per table per day), readable at once.
   */
  insertRow(table: string, row: Record<string, unknown>, insertId: string): Promise<void>;
}

export interface WarehouseOptions {
  readonly projectId: string;
  readonly dataset: string;
  /** BigQuery location of the dataset (jobs must run there); the client's default when unset. */
  readonly location?: string | undefined;
}

export function createWarehouse(bigquery: BigQuery, options: WarehouseOptions): Warehouse {
  const dataset: Dataset = bigquery.dataset(options.dataset, options.location ? { location: options.location } : {});
  const location = options.location ? { location: options.location } : {};

  /** Waits for the job (unless the caller saw it complete already) and fails on its error result. */
  async function finish(job: Job, what: string, completed = false): Promise<void> {
    // Job.promise() waits for the next 'complete' event: on a job that already emitted it (a
    // write stream's job) it would wait for ever, so those only read the final status.
    if (!completed) {
      try {
        await job.promise();
      } catch (err) {
        throw describe(err, what, job.id);
      }
    }
    const [meta] = await job.getMetadata();
    const failure = meta.status?.errorResult;
    if (failure) throw describe({ errors: [failure, ...(meta.status?.errors ?? [])] }, what, job.id);
  }

  return {
    projectId: options.projectId,
    dataset: options.dataset,
    ref: (table) => `${options.projectId}.${options.dataset}.${table}`,
    timestamp: (value) => bigquery.timestamp(value),

    async createTable(name, fields, expiresInMs) {
      try {
        await dataset.createTable(name, {
          schema: { fields: fields as FieldSchema[] },
          ...(expiresInMs ? { expirationTime: String(Date.now() + expiresInMs) } : {}),
        });
      } catch (err) {
        throw describe(err, `creating table ${options.dataset}.${name}`, undefined);
      }
    },

    async extendTable(name, expiresInMs) {
      try {
        await dataset.table(name).setMetadata({ expirationTime: String(Date.now() + expiresInMs) });
      } catch (err) {
        throw describe(err, `extending the expiry of ${options.dataset}.${name}`, undefined);
      }
    },

    async loadObjects(table, bucket, names) {
      const chunks: string[][] = [];
      for (let i = 0; i < names.length; i += URIS_PER_JOB) chunks.push(names.slice(i, i + URIS_PER_JOB) as string[]);
      const ids: string[] = new Array<string>(chunks.length);
      const loadChunk = async (chunk: string[], index: number) => {
        const files = chunk.map((n) => bucket.file(n));
        const what = `loading ${files.length} object(s) of gs://${bucket.name} into ${table}`;
        let job: Job;
        try {
          [job] = await dataset.table(table).createLoadJob(files, {
            sourceFormat: 'NEWLINE_DELIMITED_JSON',
            writeDisposition: 'WRITE_APPEND',
            // land validated every reading (functions/core); a row BigQuery still refuses makes the
            // caller check the day line by line (functions/daily/stage-direct.ts), never a silent skip.
            maxBadRecords: 0,
            ignoreUnknownValues: false,
            jobPrefix: JOB_PREFIX,
          });
        } catch (err) {
          throw describe(err, what, undefined);
        }
        ids[index] = job.id!;
        await finish(job, what);
      };
      // A day at R10 is 864,000 objects, 173 jobs: one after another their fixed start and finish
      // alone would take minutes. Appends to one table may run side by side.
      let next = 0;
      const errors: unknown[] = [];
      const worker = async () => {
        while (next < chunks.length && errors.length === 0) {
          const i = next++;
          await loadChunk(chunks[i]!, i).catch((err: unknown) => errors.push(err));
        }
      };
      await Promise.all(Array.from({ length: Math.min(LOAD_JOBS_AT_ONCE, chunks.length) }, worker));
      if (errors.length > 0) throw errors[0];
      return ids;
    },

    async loadText(table, ndjson, disposition) {
      const what = `loading rows into ${table}`;
      const stream = dataset.table(table).createWriteStream({
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        writeDisposition: disposition,
        maxBadRecords: 0,
        jobPrefix: JOB_PREFIX,
      });
      let jobId: string | undefined;
      const done = new Promise<Job>((resolve, reject) => {
        stream.on('job', (job: Job) => (jobId = job.id));
        stream.on('complete', resolve);
        stream.on('error', reject);
      });
      let job: Job;
      try {
        if (typeof ndjson === 'string') stream.end(ndjson);
        else await pipeline(Readable.from(ndjson), stream);
        job = await done;
      } catch (err) {
        throw describe(err, what, jobId);
      }
      await finish(job, what, true);
      return job.id!;
    },

    async insertRow(table, row, insertId) {
      try {
        await dataset.table(table).insert([{ insertId, json: row }], { raw: true });
      } catch (err) {
        const partial = (err as { errors?: { errors?: JobErrorItem[] }[] }).errors?.flatMap((e) => e.errors ?? []);
        throw describe(partial ? { errors: partial } : err, `inserting a row into ${table}`, undefined);
      }
    },

    async query<T>(sql: string, params?: Record<string, unknown>) {
      let job: Job;
      try {
        [job] = await bigquery.createQueryJob({ query: sql, ...(params ? { params } : {}), jobPrefix: JOB_PREFIX, ...location } as Query);
      } catch (err) {
        throw describe(err, 'query', undefined);
      }
      try {
        const [rows] = await job.getQueryResults();
        return { rows: rows as T[], jobId: job.id! };
      } catch (err) {
        throw describe(err, 'query', job.id);
      }
    },
  };
}

/** A BigQuery TIMESTAMP/DATE cell (the client wraps them) as plain text. */
export function cellText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}
