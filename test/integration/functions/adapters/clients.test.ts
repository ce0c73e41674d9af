// The clients that clients.ts builds.
// Storage, downloading from the emulator: a download's response body is one stream in three
// pipelines of the client libraries (see allowStorageStreamListeners), so it carries more 'error'
// and 'close' listeners than Node's default limit of 10; the limit that clients.ts sets must cover
// them, or every download prints a MaxListenersExceededWarning.
// BigQuery, against a peer that drops each request unanswered after a while (no Google API is
// imitated: the connection just ends, as the emulator's write deadline ended a query job of over
// 5 minutes and as a dead proxy would): its retry total must outlast the attempts
// (BIGQUERY_RETRY_TOTAL_SECONDS).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bucket } from '@google-cloud/storage';
import { createBigQuery } from '../../../../functions/adapters/clients.ts';
import { clients, uniqueName } from '../../../harness/emulators.ts';

// Large enough that the body is still open when the client's own pipeline attaches.
const SIZE = 4 * 1024 * 1024;

describe('storage client downloads', () => {
  let bucket: Bucket;
  beforeAll(async () => {
    [bucket] = await clients().storage.createBucket(uniqueName('listeners'));
    await bucket.file('big.bin').save(randomBytes(SIZE), { resumable: false });
  });

  it('stay within the listener limit on the response body while it streams', async () => {
    const seen: Array<{ error: number; close: number; limit: number }> = [];
    const stream = bucket.file('big.bin').createReadStream();
    stream.on('response', (body: Readable) => {
      // The client attaches its hash-check pipeline right after this event; look once it has.
      setImmediate(() => seen.push({ error: body.listenerCount('error'), close: body.listenerCount('close'), limit: body.getMaxListeners() }));
    });
    let bytes = 0;
    for await (const chunk of stream) bytes += (chunk as Buffer).length;
    expect(bytes).toBe(SIZE);
    expect(seen).toHaveLength(1);
    const [{ error, close, limit }] = seen as [{ error: number; close: number; limit: number }];
    // More than Node's default: the reason the limit is raised at all.
    expect(Math.max(error, close)).toBeGreaterThan(10);
    expect(error).toBeLessThanOrEqual(limit);
    expect(close).toBeLessThanOrEqual(limit);
  });

  it('print no MaxListenersExceededWarning when many run at once', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => {
      if (w.name === 'MaxListenersExceededWarning') warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const parts = await Promise.all(Array.from({ length: 12 }, () => bucket.file('big.bin').download()));
      expect(parts.every(([b]) => b.length === SIZE)).toBe(true);
      await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => w.message)).toEqual([]);
  });
});

describe('BigQuery client, a request whose attempts fail late', () => {
  let server: Server;
  let endpoint: string;
  let requests = 0;
  beforeAll(async () => {
    server = createServer((req) => {
      requests++;
      setTimeout(() => req.socket.destroy(), 300);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const target = () => ({ kind: 'emulators' as const, projectId: 'plantlake-local', pubsub: '127.0.0.1:1', storage: 'http://127.0.0.1:1', bigquery: endpoint });

  it('never settles once an attempt fails after the retry total (retry-request stops without calling back)', async () => {
    // A total shorter than one attempt: what the 600 s default is to attempts that end after it. If this
    // starts to settle, retry-request calls back now and BIGQUERY_RETRY_TOTAL_SECONDS can go.
    const before = requests;
    const call = createBigQuery(target(), 0.1).dataset('d').get();
    const outcome = await Promise.race([
      call.then(
        () => 'resolved',
        () => 'rejected',
      ),
      new Promise((r) => setTimeout(() => r('pending'), 4000)),
    ]);
    expect(outcome).toBe('pending');
    expect(requests - before).toBe(1); // one attempt, then silence: no retry, no error
  });

  it("fails with the connection's error after its retries with the total clients.ts sets", async () => {
    const before = requests;
    await expect(createBigQuery(target()).dataset('d').get()).rejects.toThrow(/socket hang up|ECONNRESET|failed/);
    expect(requests - before).toBe(4); // the first attempt and 3 retries
  }, 60_000);
});
