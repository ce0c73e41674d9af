// The daily job's production path: BigQuery loads a day's objects from gs:// and the job reads no
// object; only a refused row or a row off its folder's day sends the day to the checked path,
// which reads its objects and names each bad line (stage-direct.ts, day-reader.ts).
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestLake, dayRows, expectedRows, publish, putObject, rowKeys, series, type TestLake } from './lake.ts';
import type { ReadingRow } from '../../../../schemas/rows.ts';
import { planRun } from '../../../../functions/daily/run.ts';

const D1 = '2024-04-01';
const D2 = '2024-04-02';
const D3 = '2024-04-03';
const NOW = new Date('2024-04-04T02:30:00Z');
const CHECKED = /checking its raw objects line by line/;

describe('daily load straight from gs://', () => {
  let lake: TestLake;
  const published: ReadingRow[] = [];

  beforeAll(async () => {
    lake = await createTestLake('dd');
    for (const b of series('A', `${D1}T00:00:00Z`, 300, { perBatch: 100 })) published.push(...(await publish(lake.raw, b)));
    for (const b of series('B', `${D1}T00:00:00Z`, 60, { perBatch: 30 })) published.push(...(await publish(lake.raw, b)));
  });

  afterAll(() => lake?.stop());

  it('loads a clean day without reading any object, with the same rows and counts', async () => {
    const report = await lake.run({ mode: 'daily', to: D1 }, NOW);
    expect(report.status).toBe('succeeded');
    expect(report.days.map((d) => [d.day, d.status, d.rowsIn, d.rowsKept, d.files, d.badRows])).toEqual([[D1, 'succeeded', 360, 360, 5, 0]]);
    expect(report.timings.read).toBe(0);
    expect(lake.logs.some((l) => CHECKED.test(l))).toBe(false);
    expect(await dayRows(lake, D1)).toEqual(rowKeys(expectedRows(published)));
  });

  it('keeps no objects of an up-to-date young day in the plan, only its place', async () => {
    const plan = await planRun(await lake.context(NOW), { mode: 'daily', to: D1 });
    expect(plan.loads.load).toEqual([]);
    expect(plan.loads.upToDate).toEqual([D1]);
    expect(plan.listings).toEqual([{ day: D1, objects: [] }]);
    // 40 days on, the same day is old enough for the lifecycle, which needs its objects: the
    // compacted ones by now (the first run compacted it, the day after its load: readings and alarm events).
    const later = await planRun(await lake.context(new Date(Date.parse(NOW.toISOString()) + 40 * 86_400_000)), { mode: 'daily', to: D1 });
    expect(later.listings[0]!.objects).toHaveLength(2);
    expect(later.listings[0]!.objects.every((o) => /\/compacted-[0-9a-f]{16}\.ndjson\.gz$/.test(o.name))).toBe(true);
    expect(later.listings[0]!.objects.every((o) => Object.keys(o.metadata ?? {}).every((k) => k.startsWith('plantlake-')))).toBe(true);
  });

  it('checks a day line by line when BigQuery refuses a row, and reports the line', async () => {
    const good = {
      site: 'A',
      tag: '10LAB10CT001',
      ts: `${D2}T01:00:00Z`,
      value: 1,
      quality: 'good',
      unit: 'bar',
      batch_id: 'A-x',
      ingested_at: `${D2}T02:00:00Z`,
    };
    await putObject(lake.raw, `readings/dt=${D2}/site=A/A-x.ndjson.gz`, [good, '{"site":"A", broken', { ...good, ts: `${D2}T01:00:10Z` }]);
    const report = await lake.run({ mode: 'daily', from: D2, to: D2 }, NOW);
    const day = report.days[0]!;
    expect([day.status, day.rowsIn, day.rowsKept, day.badRows]).toEqual(['succeeded', 2, 2, 1]);
    expect(day.badRowSamples.map((b) => [b.file.replace(/^gs:\/\/[^/]+\//, ''), b.line])).toEqual([[`readings/dt=${D2}/site=A/A-x.ndjson.gz`, 2]]);
    expect(report.timings.read).toBeGreaterThan(0);
    expect(lake.logs.some((l) => CHECKED.test(l) && l.includes(D2))).toBe(true);
  });

  it("checks a day line by line when a schema-valid row lies outside its folder's day", async () => {
    const row = {
      site: 'A',
      tag: '10LAB10CT001',
      ts: `${D3}T01:00:00Z`,
      value: 1,
      quality: 'good',
      unit: 'bar',
      batch_id: 'A-y',
      ingested_at: `${D3}T02:00:00Z`,
    };
    await putObject(lake.raw, `readings/dt=${D3}/site=A/A-y.ndjson.gz`, [row, { ...row, ts: `${D1}T05:00:00Z` }]);
    const report = await lake.run({ mode: 'daily', from: D3, to: D3 }, NOW);
    const day = report.days[0]!;
    expect([day.status, day.rowsIn, day.rowsKept, day.badRows]).toEqual(['succeeded', 1, 1, 1]);
    expect(day.badRowSamples[0]!.reason).toMatch(`is not on ${D3}`);
    expect(lake.logs.some((l) => CHECKED.test(l) && l.includes('not on the day of their folder'))).toBe(true);
  });

  it('reads and checks every object first when rowChecks is always', async () => {
    const report = await lake.run({ mode: 'rebuild', from: D1, to: D1, force: true, lifecycle: false }, NOW, { rowChecks: 'always' });
    expect(report.days.map((d) => [d.day, d.status, d.rowsIn, d.rowsKept])).toEqual([[D1, 'succeeded', 360, 360]]);
    expect(report.timings.read).toBeGreaterThan(0);
    expect(await dayRows(lake, D1)).toEqual(rowKeys(expectedRows(published)));
  });

  it('reloads a compacted day from its composed objects straight from gs:// when a late batch arrives', async () => {
    const late: ReadingRow[] = [];
    for (const b of series('B', `${D1}T12:00:00Z`, 20, { perBatch: 20, batchPrefix: 'B-late' })) late.push(...(await publish(lake.raw, b)));
    const [objects] = await lake.raw.getFiles({ prefix: `readings/dt=${D1}/` });
    expect(objects.filter((o) => o.name.includes('/compacted-')).length).toBeGreaterThan(0);
    const before = lake.logs.length;
    const report = await lake.run({ mode: 'daily', from: D1, to: D1 }, NOW);
    expect(report.days.map((d) => [d.day, d.status, d.rowsKept])).toEqual([[D1, 'succeeded', 380]]);
    expect(lake.logs.slice(before).some((l) => CHECKED.test(l))).toBe(false);
    published.push(...late);
    expect(await dayRows(lake, D1)).toEqual(rowKeys(expectedRows(published)));
  });

  it('checks a day line by line when its composed objects stage fewer readings than the day already holds (a short read)', async () => {
    const [objects] = await lake.raw.getFiles({ prefix: `readings/dt=${D1}/site=A/` });
    const composed = objects.find((o) => o.name.includes('/compacted-'))!;
    const [[bytes], [meta]] = await Promise.all([composed.download(), composed.getMetadata()]);
    // What a reader that stops after the first gzip member would see: the object's first lines only.
    // (The client may have inflated it already: gzip content-encoding is served decompressed.)
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString() : bytes.toString();
    const firstLines = text.split('\n').slice(0, 10).join('\n') + '\n';
    await composed.save(gzipSync(firstLines), {
      resumable: false,
      metadata: { contentType: meta.contentType, contentEncoding: 'gzip', metadata: meta.metadata },
    });
    // The compacted object still counts for its sources (its metadata says so), so the day changes
    // only when something new lands for it: a late batch sends it back to the load.
    for (const b of series('B', `${D1}T13:00:00Z`, 4, { perBatch: 4, batchPrefix: 'B-later' })) await publish(lake.raw, b);
    const before = lake.logs.length;
    const report = await lake.run({ mode: 'daily', from: D1, to: D1 }, NOW);
    expect(report.days.map((d) => [d.day, d.status])).toEqual([[D1, 'succeeded']]);
    expect(lake.logs.slice(before).some((l) => CHECKED.test(l) && l.includes('read short'))).toBe(true);
    expect(report.timings.read).toBeGreaterThan(0);
  });
});
