// Cloud Storage emulator through the official client: create-only writes, listing by prefix, gzip
// NDJSON objects as the land function writes them, and storage class changes (a gap the harness
// closes: fake-gcs-server alone ignores the class of a rewrite).
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bucket } from '@google-cloud/storage';
import { isPreconditionFailed } from '../../../functions/adapters/storage-errors.ts';
import { clients, uniqueName } from '../../harness/emulators.ts';

describe('Cloud Storage emulator', () => {
  let bucket: Bucket;
  beforeAll(async () => {
    [bucket] = await clients().storage.createBucket(uniqueName('raw'));
  });

  it('writes an object once with ifGenerationMatch: 0; the second write is a recognisable 412', async () => {
    const file = bucket.file('readings/dt=2024-01-01/site=REF-01/batch-1.ndjson.gz');
    await file.save('first', { preconditionOpts: { ifGenerationMatch: 0 }, resumable: false });
    const second = file.save('second', { preconditionOpts: { ifGenerationMatch: 0 }, resumable: false });
    const err = await second.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPreconditionFailed(err)).toBe(true);
    const [content] = await file.download();
    expect(content.toString()).toBe('first');
  });

  it('lists objects by prefix', async () => {
    const names = [
      'readings/dt=2024-01-02/site=A/b1.ndjson.gz',
      'readings/dt=2024-01-02/site=B/b2.ndjson.gz',
      'readings/dt=2024-01-03/site=A/b3.ndjson.gz',
      'quarantine/2024-01-02/x.json',
    ];
    await Promise.all(names.map((n) => bucket.file(n).save('x', { resumable: false })));
    const [files] = await bucket.getFiles({ prefix: 'readings/dt=2024-01-02/' });
    expect(files.map((f) => f.name).sort()).toEqual(names.slice(0, 2));
  });

  it('round-trips gzip NDJSON stored with Content-Encoding gzip', async () => {
    const rows = [
      { site: 'REF-01', tag: '10LAB10CP001', ts: '2024-01-02T00:00:00Z', value: 12.5, quality: 'good' },
      { site: 'REF-01', tag: '10LAB10CT001', ts: '2024-01-02T00:00:10Z', value: 81.2, quality: 'good' },
    ];
    const gz = gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const file = bucket.file('readings/dt=2024-01-02/site=REF-01/gz.ndjson.gz');
    await file.save(gz, {
      resumable: false,
      metadata: { contentType: 'application/x-ndjson', contentEncoding: 'gzip' },
    });
    const [meta] = await file.getMetadata();
    expect(meta.contentEncoding).toBe('gzip');
    expect(meta.contentType).toBe('application/x-ndjson');
    // Ask for the stored bytes as they are, the way a reader that handles gzip itself does.
    const [raw] = await file.download({ decompress: false });
    const lines = gunzipSync(raw)
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(rows);
  });

  it('changes an object to COLDLINE with setStorageClass, keeping its content', async () => {
    const file = bucket.file('readings/dt=2023-01-01/site=REF-01/old.ndjson.gz');
    await file.save('old data', { resumable: false });
    expect((await file.getMetadata())[0].storageClass).toBe('STANDARD');
    await file.setStorageClass('COLDLINE');
    const [meta] = await file.getMetadata();
    expect(meta.storageClass).toBe('COLDLINE');
    expect((await file.download())[0].toString()).toBe('old data');
    const [listed] = await bucket.getFiles({ prefix: 'readings/dt=2023-01-01/' });
    expect(listed.map((f) => f.metadata.storageClass)).toEqual(['COLDLINE']);
  });
});
