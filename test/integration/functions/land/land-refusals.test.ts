// Errors that only the message can fix end in quarantine, not in a retry: here a batch whose raw
// object cannot be named (a year-0000 time let through by limits wider than BigQuery's), called
// the way the Functions Framework calls land, against the storage emulator.
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../functions/adapters/log.ts';
import { createLand } from '../../../../functions/land/land.ts';
import { batch, json, logCapture, messagePublished, objectNames, testPipeline, type TestPipeline } from '../support.ts';

describe('land quarantines what it cannot plan', () => {
  let p: TestPipeline;
  const logs = logCapture();
  beforeAll(async () => {
    p = await testPipeline('refuse');
  });

  it('quarantines a batch whose object name cannot be made, with the reason, and does not throw', async () => {
    const land = createLand({
      storage: p.clients.storage,
      rawBucket: p.names.buckets.raw,
      log: createLogger({ function: 'land' }, logs.sink),
      // Wider than any deployment may configure (readBatchLimits refuses it): only planning can catch this.
      limits: { oldestMs: -Infinity, maxFutureSkewMs: 300_000, maxDaysPerBatch: 31 },
    });
    const b = batch('year-zero', 'REF-Z', [{ tag: '10LAB10CP001', ts: '0000-01-01T00:00:00+00:01', value: 1, quality: 'good' }]);
    await land(messagePublished(json(b), { messageId: 'm-year-zero' }));
    const line = logs.where('messageId', 'm-year-zero')[0]!;
    expect(line).toMatchObject({ outcome: 'quarantined' });
    expect(line.reason).toMatch(/^could not name the raw objects of batch "year-zero" from site REF-Z: day "-000001-12" is not YYYY-MM-DD/);
    expect(await objectNames(p.raw, 'readings/')).toEqual([]);
    expect(await objectNames(p.raw, 'quarantine/')).toHaveLength(1);
  });
});
