// Create-only object writes in Cloud Storage, and the gzip NDJSON encoding of the raw zone.
// Every object plantlake derives from an id (batch, message, event set) is written with
// ifGenerationMatch: 0, so a second write of the same name is a 412 that we read as "already
// there": redeliveries and resends land once. https://cloud.google.com/storage/docs/request-preconditions
import { promisify } from 'node:util';
import { gzip as gzipCallback, gunzip as gunzipCallback } from 'node:zlib';
import type { Bucket } from '@google-cloud/storage';
import { isPreconditionFailed } from './storage-errors.ts';

const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

export type CreateOutcome = 'created' | 'exists';

export interface ObjectOptions {
  readonly contentType: string;
  /** `gzip` for NDJSON: BigQuery loads it and readers decompress it transparently. */
  readonly contentEncoding?: string;
  /** Custom metadata (x-goog-meta-*), for people browsing the bucket. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Writes `name` only if no object has that name; 412 means an earlier write won, which is success. */
export async function createOnce(bucket: Bucket, name: string, body: Buffer | string, options: ObjectOptions): Promise<CreateOutcome> {
  try {
    await bucket.file(name).save(body, {
      // One request, no upload session: objects are small, and a resumable session would
      // need its own retry bookkeeping for no gain.
      resumable: false,
      preconditionOpts: { ifGenerationMatch: 0 },
      metadata: {
        contentType: options.contentType,
        ...(options.contentEncoding ? { contentEncoding: options.contentEncoding } : {}),
        ...(options.metadata ? { metadata: { ...options.metadata } } : {}),
      },
    });
    return 'created';
  } catch (err) {
    if (isPreconditionFailed(err)) return 'exists';
    throw err;
  }
}

/** Options of a gzip NDJSON object as BigQuery loads it (see README: the emulator needs exactly these). */
export const NDJSON_GZIP = { contentType: 'application/x-ndjson', contentEncoding: 'gzip' } as const;

/** Rows as gzip-compressed newline-delimited JSON, one row per line. */
export async function gzipNdjson(rows: readonly unknown[]): Promise<Buffer> {
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return gzip(text);
}

/** Reads a gzip NDJSON object back as it is stored (not decompressed in transit). */
export async function readGzipNdjson<T = unknown>(bucket: Bucket, name: string): Promise<T[]> {
  const [bytes] = await bucket.file(name).download({ decompress: false });
  const text = (await gunzip(bytes)).toString('utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as T);
}
