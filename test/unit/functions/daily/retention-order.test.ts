// What the daily job may never do with data land accepted: delete a day that was never loaded,
// starve recent days behind an old back-fill, or plan a day BigQuery's DATE cannot hold. Pure.
import { describe, expect, it } from 'vitest';
import { isDay, parseObjectName, type LakeObject } from '../../../../functions/core/lake-paths.ts';
import { dayFingerprint } from '../../../../functions/daily/fingerprint.ts';
import { planLifecycle, planLoads, type DayListing } from '../../../../functions/daily/plan.ts';
import { lineChecker } from '../../../../functions/daily/row-checks.ts';

const obj = (day: string, file: string): LakeObject => ({
  name: `readings/dt=${day}/site=A/${file}.ndjson.gz`,
  size: 100,
  md5Hash: `m-${day}-${file}`,
  storageClass: 'STANDARD',
});
const listing = (day: string, files: string[]): DayListing => ({ day, objects: files.map((f) => obj(day, f)) });

describe('retention', () => {
  it('deletes only days whose current objects are exactly what was loaded', () => {
    const loaded = listing('2023-01-01', ['b1']);
    const neverLoaded = listing('2023-01-02', ['b1']);
    const changedSince = listing('2023-01-03', ['b1', 'late']);
    const fingerprints = new Map([
      ['2023-01-01', dayFingerprint(loaded.objects)],
      ['2023-01-03', dayFingerprint([obj('2023-01-03', 'b1')])],
    ]);
    const plan = planLifecycle([loaded, neverLoaded, changedSince], (d) => fingerprints.get(d) ?? null, {
      today: '2024-06-01',
      coldlineAgeDays: 30,
      retentionDays: 365,
      maxCompactedBytes: 1 << 20,
    });
    expect(plan.days.map((d) => [d.day, d.deleteAll])).toEqual([['2023-01-01', true]]);
    expect(plan.notLoaded).toEqual(['2023-01-02', '2023-01-03']);
  });
});

describe('load order', () => {
  it('plans the newest day first, so a back-fill of years is what a time budget defers', () => {
    const backfill = Array.from({ length: 1_500 }, (_, i) => listing(new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10), ['old']));
    const yesterday = listing('2024-05-31', ['b1']);
    const plan = planLoads([...backfill, yesterday], new Map(), { today: '2024-06-01' });
    expect(plan.load).toHaveLength(1_501);
    expect(plan.load[0]!.day).toBe('2024-05-31');
    expect(plan.load.at(-1)!.day).toBe('2020-01-01');
  });
});

describe('days BigQuery can hold', () => {
  it('does not plan a folder of year 0000', () => {
    expect(isDay('0000-06-01')).toBe(false);
    expect(isDay('0001-01-01')).toBe(true);
    expect(parseObjectName('readings/dt=0000-06-01/site=A/b.ndjson.gz')).toBeNull();
  });
});

describe('rows BigQuery can hold', () => {
  it('makes a leap-second row a bad row with its reason, so the rest of the day loads', () => {
    const check = lineChecker('readings', '2016-12-31', 'A');
    const row = {
      site: 'A',
      tag: '10LAB10CP001',
      ts: '2016-12-31T23:59:59.999Z',
      value: 1,
      quality: 'good',
      unit: null,
      batch_id: 'b',
      ingested_at: '2017-01-01T00:00:01Z',
    };
    expect(check(JSON.stringify(row)).ok).toBe(true);
    expect(check(JSON.stringify({ ...row, ts: '2016-12-31T23:59:60Z' }))).toEqual({
      ok: false,
      reason: 'ts 2016-12-31T23:59:60Z is a leap second, which a BigQuery TIMESTAMP cannot hold; land stores it as :59.999',
    });
  });
});
