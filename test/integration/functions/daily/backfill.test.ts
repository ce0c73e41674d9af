// `plantlake backfill` and `plantlake rebuild` as an operator runs them: the real CLI in a child
// process pointed at the emulators through the environment. A three-day back-fill must give
// exactly the published readings (one per site, tag and time), and exit codes must say how it went.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envForTarget } from '../../../../functions/adapters/clients.ts';
import { runCli } from '../../../harness/cli.ts';
import { createTestLake, dayRows, expectedRows, publish, rowKeys, series, type TestLake } from './lake.ts';
import type { ReadingRow } from '../../../../schemas/rows.ts';

const DAYS = ['2024-05-01', '2024-05-02', '2024-05-03'];

function plantlake(lake: TestLake, args: string[]) {
  // The lake's flags first, so a test's own flag (given later) wins.
  const flags = ['--raw-bucket', lake.settings.rawBucket, '--config-bucket', lake.settings.configBucket, '--dataset', lake.dataset];
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...envForTarget(lake.target) };
  return runCli([args[0]!, ...flags, ...args.slice(1)], env);
}

describe('plantlake backfill and rebuild', () => {
  let lake: TestLake;
  const published: ReadingRow[] = [];

  beforeAll(async () => {
    lake = await createTestLake('bf');
    // Site A sends every 10 s from late on the first day through the third, in batches of 90
    // readings, so batches straddle midnight and land as one object per day each.
    for (const b of series('A', '2024-05-01T20:00:00Z', 2 * 3600, { stepSeconds: 60, perBatch: 90 })) published.push(...(await publish(lake.raw, b)));
    // Site B: a few readings a day, and one batch resent with a later ingest time.
    for (const b of series('B', '2024-05-02T00:00:00Z', 30, { stepSeconds: 7200, perBatch: 10, tags: ['20LAC20CF002'] }))
      published.push(...(await publish(lake.raw, b)));
    const resend = series('B', '2024-05-02T00:00:00Z', 30, {
      stepSeconds: 7200,
      perBatch: 10,
      tags: ['20LAC20CF002'],
      batchPrefix: 'B-resend-',
      ingestedAt: '2024-05-04T00:00:00Z',
      value: (i) => -i,
    })[0]!;
    published.push(...(await publish(lake.raw, resend)));
    // A day outside the range, which must stay unloaded.
    await publish(lake.raw, {
      batchId: 'A-later',
      site: 'A',
      ingestedAt: '2024-05-05T00:00:01Z',
      readings: [{ tag: '10LAB10CP001', ts: '2024-05-05T00:00:00Z', value: 1 }],
    });
  });

  afterAll(() => lake?.stop());

  it('loads three days with progress and gives exactly the published readings', async () => {
    const r = await plantlake(lake, ['backfill', '--from', DAYS[0]!, '--to', DAYS[2]!]);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/3 day\(s\) to load/);
    // Newest day first.
    expect(r.err).toMatch(/\[1\/3\] 2024-05-03: \d+ rows \(\d+ ms; about \S+ left\)/);
    expect(r.err).toMatch(/\[3\/3\] 2024-05-01: \d+ rows \(\d+ ms; about \S+ left\)/);
    expect(r.out).toMatch(/^succeeded: loaded 3 day\(s\)/m);
    for (const day of DAYS) expect(await dayRows(lake, day), day).toEqual(rowKeys(expectedRows(published.filter((p) => p.ts.startsWith(day)))));
    expect(await dayRows(lake, '2024-05-05')).toEqual([]);
  });

  it('skips days already loaded as they are, rebuilds one on demand, and says when there is nothing to rebuild', async () => {
    const again = await plantlake(lake, ['backfill', '--from', DAYS[0]!, '--to', DAYS[2]!, '--json']);
    expect(again.code, again.err).toBe(0);
    const report = JSON.parse(again.out) as { days: unknown[]; upToDate: number };
    expect([report.days.length, report.upToDate]).toEqual([0, 3]);

    const before = await dayRows(lake, DAYS[1]!);
    const rebuild = await plantlake(lake, ['rebuild', '--day', DAYS[1]!]);
    expect(rebuild.code, rebuild.err).toBe(0);
    expect(rebuild.out).toMatch(/2024-05-02 {2}succeeded/);
    expect(await dayRows(lake, DAYS[1]!)).toEqual(before);

    const nothing = await plantlake(lake, ['rebuild', '--day', '2024-04-01']);
    expect(nothing.code).toBe(1);
    expect(nothing.err).toMatch(/no raw objects for 2024-04-01/);
  });

  it('exits 1 with what to do when the run fails', async () => {
    const r = await plantlake(lake, ['daily', '--no-lifecycle', '--dataset', 'no_such_dataset']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/failed: .*no_such_dataset/);
  });
});
