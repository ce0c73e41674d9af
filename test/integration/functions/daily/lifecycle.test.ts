// The lifecycle on the emulators: nothing reaches Coldline before its day is loaded; compaction
// leaves far fewer objects, keeps every row once and does not make the day look changed; a new
// object after compaction does; a compaction stopped half-way is finished by the next run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markSources, writeCompacted } from '../../../../functions/adapters/lake-compaction.ts';
import { listDayObjects } from '../../../../functions/adapters/lake-listing.ts';
import { COMPACTION_META } from '../../../../functions/core/lake-paths.ts';
import { compactionGroups } from '../../../../functions/daily/plan.ts';
import { createTestLake, dayRows, expectedRows, publish, putObject, rowKeys, series, type TestLake } from './lake.ts';
import type { ReadingRow } from '../../../../schemas/rows.ts';

const X = '2024-03-01'; // loaded first
const Y = '2024-03-02'; // not loaded until later
const Z = '2024-03-03'; // a compaction interrupted half-way
const NOW = new Date('2024-04-15T02:30:00Z'); // all three are older than coldlineAgeDays (30)

async function classes(lake: TestLake, day: string): Promise<{ name: string; storageClass: string }[]> {
  const [files] = await lake.raw.getFiles({ prefix: `readings/dt=${day}/` });
  const [alarms] = await lake.raw.getFiles({ prefix: `alarm-events/dt=${day}/` });
  return [...files, ...alarms].map((f) => ({ name: f.name, storageClass: String(f.metadata.storageClass) }));
}

describe('lifecycle', () => {
  let lake: TestLake;
  const published: ReadingRow[] = [];
  let rowsOfX: string[] = [];

  beforeAll(async () => {
    lake = await createTestLake('lc');
    for (const site of ['A', 'B']) {
      for (const b of series(site, `${X}T00:00:00Z`, 120, { perBatch: 20 })) published.push(...(await publish(lake.raw, b)));
    }
    await putObject(lake.raw, `alarm-events/dt=${X}/site=A/A-b0000.ndjson.gz`, [
      {
        event_id: 'e1',
        site: 'A',
        tag: '10LAB10CP001',
        condition: 'H',
        transition: 'active',
        value: 9,
        limit_value: 8,
        priority: 'high',
        reading_ts: `${X}T00:00:00Z`,
        detected_at: `${X}T00:00:01Z`,
        rules_version: 'r1',
      },
    ]);
    for (const b of series('A', `${Y}T00:00:00Z`, 60, { perBatch: 20 })) published.push(...(await publish(lake.raw, b)));
    for (const b of series('A', `${Z}T00:00:00Z`, 60, { perBatch: 20 })) published.push(...(await publish(lake.raw, b)));
  });

  afterAll(() => lake?.stop());

  it('moves nothing to Coldline before its day is loaded, then only loaded days', async () => {
    const before = await lake.run({ mode: 'lifecycle' }, NOW);
    expect(before.lifecycle).toMatchObject({ days: [], movedToColdline: 0, notLoaded: [X, Y, Z] });
    for (const day of [X, Y, Z]) expect((await classes(lake, day)).every((o) => o.storageClass === 'STANDARD')).toBe(true);

    const loaded = await lake.run({ mode: 'backfill', from: X, to: X }, NOW);
    expect(loaded.days.map((d) => [d.day, d.status, d.files])).toEqual([[X, 'succeeded', 13]]);
    expect(loaded.lifecycle).toBeUndefined(); // a backfill leaves the lifecycle to the daily run
    rowsOfX = await dayRows(lake, X);
    expect(rowsOfX).toEqual(rowKeys(expectedRows(published.filter((r) => r.ts.startsWith(X)))));

    const after = await lake.run({ mode: 'lifecycle' }, NOW);
    expect(after.lifecycle).toMatchObject({ days: [X], compactedSources: 12, compactedObjects: 2, movedToColdline: 3, notLoaded: [Y, Z], errors: [] });
    const x = await classes(lake, X);
    expect(x.map((o) => o.storageClass)).toEqual(['COLDLINE', 'COLDLINE', 'COLDLINE']);
    expect(x.filter((o) => /\/compacted-[0-9a-f]{16}\.ndjson\.gz$/.test(o.name))).toHaveLength(2);
    for (const day of [Y, Z]) expect((await classes(lake, day)).every((o) => o.storageClass === 'STANDARD')).toBe(true);
  });

  it('does not reload a compacted day, and a rebuild from the compacted objects gives the same rows', async () => {
    // Z: a compaction that stopped after writing its target (sources marked, not yet deleted).
    const { objects } = await listDayObjects(lake.raw, Z);
    const [group] = compactionGroups(objects, 64 * 1024 * 1024);
    const sources = group!.sources.map((o) => o.name);
    await markSources(lake.raw, sources, group!.target);
    await writeCompacted(
      lake.raw,
      group!.target,
      sources.map((n) => lake.raw.file(n)),
      {
        [COMPACTION_META.sourcesSum]: group!.sourcesSum,
        [COMPACTION_META.sourcesCount]: String(group!.sourcesCount),
      },
    );

    const run = await lake.run({ mode: 'daily' }, NOW);
    expect(run.status).toBe('succeeded');
    // X is compacted and Z half-compacted, yet neither looks changed; Y and Z were never loaded.
    expect(run.days.map((d) => [d.day, d.reason])).toEqual([
      [Z, 'never loaded'],
      [Y, 'never loaded'],
    ]);
    expect(run.upToDate).toBe(1);
    expect(run.lifecycle).toMatchObject({ days: [Y, Z], compactedObjects: 1, compactedSources: 6, movedToColdline: 2, errors: [] });
    for (const day of [Y, Z]) {
      const objs = await classes(lake, day);
      expect(objs).toHaveLength(1);
      expect(objs[0]!.storageClass).toBe('COLDLINE');
      expect(await dayRows(lake, day)).toEqual(rowKeys(expectedRows(published.filter((r) => r.ts.startsWith(day)))));
    }

    const again = await lake.run({ mode: 'daily' }, NOW);
    expect(again.days).toEqual([]);
    expect(again.upToDate).toBe(3);

    const rebuilt = await lake.run({ mode: 'rebuild', from: X, to: X, force: true, lifecycle: false }, NOW);
    expect(rebuilt.days.map((d) => [d.day, d.status, d.files, d.rowsKept])).toEqual([[X, 'succeeded', 3, 240]]);
    expect(await dayRows(lake, X)).toEqual(rowsOfX);
    // The checked path reads the composed objects line by line: concatenated gzip members are one stream.
    const checked = await lake.run({ mode: 'rebuild', from: X, to: X, force: true, lifecycle: false }, NOW, { rowChecks: 'always' });
    expect(checked.days.map((d) => [d.day, d.status, d.files, d.rowsKept, d.badRows])).toEqual([[X, 'succeeded', 3, 240, 0]]);
    expect(checked.timings.read).toBeGreaterThan(0);
    expect(await dayRows(lake, X)).toEqual(rowsOfX);
  });

  it('reloads a compacted day when a new object arrives (found by the weekly sweep), and moves that object after', async () => {
    published.push(
      ...(await publish(lake.raw, {
        batchId: 'A-late',
        site: 'A',
        ingestedAt: '2024-04-10T00:00:00Z',
        readings: [{ tag: '10LAB10CP001', ts: `${X}T12:00:00Z`, value: 7 }],
      })),
    );
    // X is 45 days old: past its Coldline move, not recent, so a scheduled run lists it only in its
    // sweep slot (listing-window.ts), once a week; 49 days on it is (49 = 7 × 7).
    const notSwept = await lake.run({ mode: 'daily' }, NOW);
    expect(notSwept.days).toEqual([]);
    const run = await lake.run({ mode: 'daily' }, new Date(NOW.getTime() + 4 * 86_400_000));
    expect(run.days.map((d) => [d.day, d.reason, d.rowsKept])).toEqual([[X, 'raw objects changed since the last load', 241]]);
    expect(await dayRows(lake, X)).toEqual(rowKeys(expectedRows(published.filter((r) => r.ts.startsWith(X)))));
    expect(run.lifecycle).toMatchObject({ days: [X], movedToColdline: 1, compactedObjects: 0 });
    expect((await classes(lake, X)).every((o) => o.storageClass === 'COLDLINE')).toBe(true);
  });

  it('deletes a loaded day past retention from the raw zone, and BigQuery keeps its rows', async () => {
    const rows = await dayRows(lake, X);
    // X is 45 days old on NOW, Y 44 and Z 43: only X is past a 44-day retention.
    const run = await lake.run({ mode: 'daily' }, NOW, { retentionDays: 44 });
    expect(run.lifecycle).toMatchObject({ days: [X], deleted: 4, errors: [] }); // 2 compacted, the alarm events, the late object
    expect(await classes(lake, X)).toEqual([]);
    expect((await classes(lake, Y)).length).toBe(1);
    const after = await lake.run({ mode: 'daily' }, NOW, { retentionDays: 44 });
    expect(after.days).toEqual([]);
    expect(await dayRows(lake, X)).toEqual(rows);
  });
});
