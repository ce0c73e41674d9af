// The storage client that clients.ts builds, downloading from the emulator: a download's response
// body is one stream in three pipelines of the client libraries (see allowStorageStreamListeners),
// so it carries more 'error' and 'close' listeners than Node's default limit of 10; the limit that
// clients.ts sets must cover them, or every download prints a MaxListenersExceededWarning.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bucket } from '@google-cloud/storage';
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
