// A back-fill of years cannot starve the lifecycle: loads stop at a share of the time budget and
// the lifecycle of days already loaded runs in the rest. On an emulator stack of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLake, publish, series, type TestLake } from './lake.ts';

const LOADED = '2024-03-01'; // loaded, old enough for Coldline (33 days: its move is due, so the run lists it)
const BACKFILL = '2023-03-01'; // a back-fill that arrives later, never loaded
const NOW = new Date('2024-04-03T02:30:00Z');

describe('time budget', () => {
  let lake: TestLake;
  beforeAll(async () => {
    lake = await createTestLake('budget');
    for (const b of series('A', `${LOADED}T00:00:00Z`, 40, { perBatch: 20 })) await publish(lake.raw, b);
    expect((await lake.run({ mode: 'backfill', from: LOADED, to: LOADED, lifecycle: false }, NOW)).status).toBe('succeeded');
    for (const b of series('A', `${BACKFILL}T00:00:00Z`, 40, { perBatch: 20, batchPrefix: 'old-' })) await publish(lake.raw, b);
  });
  afterAll(() => lake?.stop());

  it('defers loads past their share of the budget and still runs the lifecycle', async () => {
    // Loads may use the first tenth of 20 s; planning is held past that, so every load is deferred.
    const report = await lake.run(
      { mode: 'daily', deadline: Date.now() + 20_000, lifecycleBudgetShare: 0.9, onPlan: () => new Promise((r) => setTimeout(r, 2_500)) },
      NOW,
    );
    expect(report.status).toBe('partial');
    expect(report.deferred).toEqual([BACKFILL]);
    expect(report.lifecycle).toMatchObject({ days: [LOADED], compactedObjects: 1, movedToColdline: 1, notLoaded: [BACKFILL], errors: [] });
  });
});
