// The raw-zone port (functions/core/raw-zone.ts) on Cloud Storage, through the official client.
// Preconditions map to outcomes: a 412 on a create or compose is 'exists', a 412 on a metadata
// patch is 'changed', a 404 on a delete is 'absent'; every other error is thrown as it came.
import type { Bucket, File } from '@google-cloud/storage';
import type { ListOptions, ListPage, RawObject, RawZone, WriteOptions } from '../core/raw-zone.ts';
import { isNotFound, isPreconditionFailed } from './storage-errors.ts';

export function gcsRawZone(bucket: Bucket): RawZone {
  return {
    name: bucket.name,
    async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
      const [files, next, response] = await bucket.getFiles({
        prefix,
        autoPaginate: false,
        maxResults: options.maxResults ?? 1000,
        ...(options.delimiter ? { delimiter: options.delimiter } : {}),
        ...(options.pageToken ? { pageToken: options.pageToken } : {}),
      });
      return {
        objects: files.map((f) => rawObject(f, options.metadataKeys)),
        prefixes: (response as { prefixes?: string[] } | undefined)?.prefixes ?? [],
        nextPageToken: (next as { pageToken?: string } | null)?.pageToken,
      };
    },
    async stat(name: string): Promise<RawObject | null> {
      try {
        const file = bucket.file(name);
        await file.getMetadata();
        return rawObject(file);
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    },
    async read(name: string): Promise<Buffer> {
      const [bytes] = await bucket.file(name).download({ decompress: false });
      return bytes;
    },
    async createOnce(name: string, body: Buffer | string, options: WriteOptions) {
      const file = bucket.file(name);
      try {
        await file.save(body, { resumable: false, preconditionOpts: { ifGenerationMatch: 0 }, metadata: objectMetadata(options) });
      } catch (err) {
        if (isPreconditionFailed(err)) return 'exists' as const;
        throw err;
      }
      return rawObject(file);
    },
    async setMetadata(name: string, metadata: Readonly<Record<string, string>>, ifGenerationMatch?: string) {
      try {
        await bucket
          .file(name)
          .setMetadata({ metadata: { ...metadata } }, ifGenerationMatch === undefined ? {} : { ifGenerationMatch: Number(ifGenerationMatch) });
        return 'done' as const;
      } catch (err) {
        if (isPreconditionFailed(err) || isNotFound(err)) return 'changed' as const;
        throw err;
      }
    },
    async setStorageClass(name: string, storageClass: string): Promise<void> {
      await bucket.file(name).setStorageClass(storageClass);
    },
    async delete(name: string) {
      try {
        await bucket.file(name).delete();
        return 'deleted' as const;
      } catch (err) {
        if (isNotFound(err)) return 'absent' as const;
        throw err;
      }
    },
    async compose(sources: readonly string[], target: string, options: WriteOptions) {
      // bucket.combine() cannot set the destination's custom metadata, and the compacted object
      // must carry its sources' sum from the moment it exists (fingerprint.ts); so the compose
      // request is sent through the client's own request method (same auth, retries, endpoint).
      const file = bucket.file(target);
      try {
        const [resource] = await new Promise<[Record<string, unknown>]>((resolve, reject) => {
          file.request(
            {
              method: 'POST',
              uri: '/compose',
              qs: { ifGenerationMatch: 0 },
              json: { destination: objectMetadata(options), sourceObjects: sources.map((name) => ({ name })) },
            },
            (err: Error | null, body: unknown) => (err ? reject(err) : resolve([body as Record<string, unknown>])),
          );
        });
        file.metadata = resource as File['metadata'];
      } catch (err) {
        if (isPreconditionFailed(err)) return 'exists' as const;
        throw err;
      }
      return rawObject(file);
    },
  };
}

function objectMetadata(options: WriteOptions) {
  return {
    contentType: options.contentType,
    ...(options.contentEncoding ? { contentEncoding: options.contentEncoding } : {}),
    ...(options.metadata ? { metadata: { ...options.metadata } } : {}),
  };
}

/** Only `keys` of the custom metadata, when given: land's keys are a third of a listed object's memory. */
export function rawObject(file: File, keys?: ReadonlySet<string>): RawObject {
  const m = file.metadata;
  const custom = (m.metadata ?? {}) as Record<string, unknown>;
  const metadata: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(custom)) {
    if (keys !== undefined && !keys.has(k)) continue;
    metadata[k] = v === null || v === undefined ? undefined : String(v);
  }
  return {
    name: file.name,
    size: Number(m.size ?? 0),
    md5Hash: m.md5Hash,
    crc32c: m.crc32c,
    storageClass: m.storageClass,
    metadata,
    generation: m.generation === undefined ? undefined : String(m.generation),
    componentCount: m.componentCount === undefined ? undefined : Number(m.componentCount),
  };
}
