// Writing to the raw zone for the daily lifecycle: compacted objects, the marks that make a
// compaction crash-safe, deletes and storage-class moves. The order of calls is the lifecycle's
// (functions/daily/lifecycle.ts); this module only does each step well.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import type { Bucket, File } from '@google-cloud/storage';
import { COMPACTION_META } from '../core/lake-paths.ts';
import { isNotFound } from './storage-errors.ts';
import { lineBatches } from './lake-lines.ts';

export interface WrittenObject {
  readonly lines: number;
  /** sha256 over `line\n` of every non-blank line written (lake-lines.ts contentDigest). */
  readonly sha256: string;
  /** Stored (gzip) bytes and their MD5, as computed while writing. */
  readonly bytes: number;
  readonly md5Base64: string;
}

/**
 * Requests to Cloud Storage at once for marks and deletes: a day at R1 compacts 86,400 objects,
 * which one at a time (~30 ms each) would take the whole time budget twice over.
 */
export const OBJECT_REQUESTS_AT_ONCE = 16;

/** Runs `fn` on every name, at most `limit` at once; waits for all, then throws the first error. */
async function eachName(names: readonly string[], fn: (name: string) => Promise<void>, limit = OBJECT_REQUESTS_AT_ONCE): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < names.length && errors.length === 0) {
      const name = names[next++]!;
      await fn(name).catch((err: unknown) => errors.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, names.length) }, worker));
  if (errors.length > 0) throw errors[0];
}

/** Marks each source with the compacted object that will replace it (see fingerprint.ts); order does not matter. */
export async function markSources(bucket: Bucket, sources: readonly string[], target: string): Promise<void> {
  await eachName(sources, async (name) => {
    await bucket.file(name).setMetadata({ metadata: { [COMPACTION_META.compactedInto]: target } });
  });
}

/**
 * Writes the lines of `sources`, in order, into one new gzip NDJSON object `target`, created
 * only if absent (ifGenerationMatch: 0; a 412 means an earlier run wrote it). Stored like land's
 * objects (application/x-ndjson + Content-Encoding gzip) so both BigQuery and the emulator load it.
 * The client checks the stored MD5 against the bytes sent (validation: 'md5').
 */
export async function writeCompacted(
  bucket: Bucket,
  target: string,
  sources: readonly File[],
  custom: Readonly<Record<string, string>>,
): Promise<WrittenObject> {
  const gzip = createGzip({ level: 6 });
  const md5 = createHash('md5');
  const content = createHash('sha256');
  let bytes = 0;
  let lines = 0;
  gzip.on('data', (chunk: Buffer) => {
    md5.update(chunk);
    bytes += chunk.length;
  });
  const upload = bucket.file(target).createWriteStream({
    resumable: false,
    validation: 'md5',
    metadata: { contentType: 'application/x-ndjson', contentEncoding: 'gzip', metadata: { ...custom } },
    preconditionOpts: { ifGenerationMatch: 0 },
  });
  const uploaded = new Promise<void>((resolve, reject) => {
    upload.on('finish', resolve);
    upload.on('error', reject);
  });
  gzip.on('error', () => {}); // reported through the promises below
  gzip.pipe(upload);
  const written = (async () => {
    for (const source of sources) {
      for await (const batch of lineBatches(source)) {
        let text = '';
        for (const raw of batch) {
          const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
          if (line.trim() === '') continue;
          text += `${line}\n`;
          lines += 1;
        }
        content.update(text);
        if (!gzip.write(text)) await once(gzip, 'drain');
      }
    }
    gzip.end();
  })();
  // Either side may fail first; surface whichever does, and stop the other.
  await Promise.all([
    written.catch((err) => {
      upload.destroy(err as Error);
      throw err;
    }),
    uploaded.catch((err) => {
      gzip.destroy(err as Error); // wakes a writer waiting for 'drain' (once() rejects on 'error')
      throw err;
    }),
  ]);
  return { lines, sha256: content.digest('hex'), bytes, md5Base64: md5.digest('base64') };
}

/** Deletes objects; one already gone is fine (a retried run may have deleted it). */
export async function deleteObjects(bucket: Bucket, names: readonly string[]): Promise<void> {
  await eachName(names, async (name) => {
    try {
      await bucket.file(name).delete();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  });
}

/** Moves one object to Coldline (a rewrite in place; name, size and MD5 stay, so the fingerprint does). */
export async function moveToColdline(bucket: Bucket, name: string): Promise<void> {
  await bucket.file(name).setStorageClass('COLDLINE');
}

/** Stored size and MD5 of an object as Cloud Storage reports them. */
export async function storedHash(bucket: Bucket, name: string): Promise<{ size: number; md5Hash: string | undefined }> {
  const [m] = await bucket.file(name).getMetadata();
  return { size: Number(m.size ?? 0), md5Hash: m.md5Hash };
}
