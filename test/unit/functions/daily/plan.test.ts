// Planning: which days load (and why), and what the lifecycle may touch. Pure, no servers.
import { describe, expect, it } from 'vitest';
import { dayFingerprint, leafSum, sumHex } from '../../../../functions/daily/fingerprint.ts';
import { COMPACTION_META, type LakeObject } from '../../../../functions/core/lake-paths.ts';
import { auditStates, compactionGroups, objectsToMove, planLifecycle, planLoads, type DayListing } from '../../../../functions/daily/plan.ts';

const obj = (day: string, site: string, file: string, size = 1000, storageClass = 'STANDARD'): LakeObject => ({
  name: `readings/dt=${day}/site=${site}/${file}.ndjson.gz`,
  size,
  md5Hash: `md5-${day}-${site}-${file}`,
  storageClass,
});

const listing = (day: string, objects: LakeObject[]): DayListing => ({ day, objects });

describe('auditStates', () => {
  it('keeps the last succeeded fingerprint and whether the newest attempt failed', () => {
    const states = auditStates([
      { day: '2024-03-01', status: 'succeeded', fingerprint: 'f1', finishedAt: '2024-03-02T01:00:00Z' },
      { day: '2024-03-01', status: 'succeeded', fingerprint: 'f2', finishedAt: '2024-03-03T01:00:00Z' },
      { day: '2024-03-02', status: 'succeeded', fingerprint: 'g1', finishedAt: '2024-03-03T01:00:00Z' },
      { day: '2024-03-02', status: 'failed', fingerprint: 'g1', finishedAt: '2024-03-04T01:00:00Z' },
      { day: '2024-03-03', status: 'failed', fingerprint: 'h1', finishedAt: '2024-03-04T01:00:00Z' },
    ]);
    expect(states.get('2024-03-01')).toEqual({ loadedFingerprint: 'f2', lastAttemptFailed: false });
    expect(states.get('2024-03-02')).toEqual({ loadedFingerprint: 'g1', lastAttemptFailed: true });
    expect(states.get('2024-03-03')).toEqual({ loadedFingerprint: null, lastAttemptFailed: true });
  });
});

describe('planLoads', () => {
  const d1 = listing('2024-03-01', [obj('2024-03-01', 'A', 'b1')]);
  const d2 = listing('2024-03-02', [obj('2024-03-02', 'A', 'b2')]);
  const d3 = listing('2024-03-03', [obj('2024-03-03', 'A', 'b3'), obj('2024-03-03', 'A', 'late')]);
  const fp = (l: DayListing) => dayFingerprint(l.objects);
  const audit = new Map([
    ['2024-03-02', { loadedFingerprint: fp(d2), lastAttemptFailed: false }],
    ['2024-03-03', { loadedFingerprint: dayFingerprint([obj('2024-03-03', 'A', 'b3')]), lastAttemptFailed: false }],
  ]);

  it('loads days never loaded and days whose objects changed, newest first; not up-to-date ones', () => {
    const plan = planLoads([d1, d3, d2], audit, { today: '2024-03-10' });
    expect(plan.load).toEqual([
      { day: '2024-03-03', fingerprint: fp(d3), reason: 'raw objects changed since the last load' },
      { day: '2024-03-01', fingerprint: fp(d1), reason: 'never loaded' },
    ]);
    expect(plan.upToDate).toEqual(['2024-03-02']);
  });

  it('retries a day whose newest attempt failed even if the fingerprint matches', () => {
    const failed = new Map([['2024-03-02', { loadedFingerprint: fp(d2), lastAttemptFailed: true }]]);
    expect(planLoads([d2], failed, { today: '2024-03-10' }).load[0]?.reason).toBe('last attempt failed');
  });

  it('reloads everything listed when forced', () => {
    expect(planLoads([d1, d2], audit, { today: '2024-03-10', force: true }).load.map((d) => d.reason)).toEqual(['forced', 'forced']);
  });

  it('skips loaded days that changed at the end of raw retention unless told to load them; loads days never loaded', () => {
    const loaded = new Map([['2024-03-01', { loadedFingerprint: 'before', lastAttemptFailed: false }]]);
    const plan = planLoads([d1], loaded, { today: '2024-03-31', retentionDays: 30 });
    expect(plan.load).toEqual([]);
    expect(plan.skipped[0]?.reason).toMatch(/retention.*--past-retention/);
    expect(planLoads([d1], loaded, { today: '2024-03-31', retentionDays: 30, pastRetention: true }).load).toHaveLength(1);
    expect(planLoads([d1], new Map(), { today: '2024-03-31', retentionDays: 30 }).load).toEqual([
      { day: '2024-03-01', fingerprint: fp(d1), reason: 'never loaded' },
    ]);
  });
});

describe('planLifecycle', () => {
  const options = { today: '2024-06-01', coldlineAgeDays: 30, maxCompactedBytes: 2500 };
  const old = listing('2024-03-01', [obj('2024-03-01', 'A', 'b1'), obj('2024-03-01', 'A', 'b2'), obj('2024-03-01', 'A', 'b3'), obj('2024-03-01', 'B', 'b4')]);
  const young = listing('2024-05-20', [obj('2024-05-20', 'A', 'b1'), obj('2024-05-20', 'A', 'b2')]);

  it('never touches a day that is not loaded as it is now, however old', () => {
    const plan = planLifecycle([old, young], () => null, options);
    expect(plan.days).toEqual([]);
    expect(plan.notLoaded).toEqual(['2024-03-01']);
    const stale = planLifecycle([old], () => 'fingerprint-of-older-objects', options);
    expect(stale.days).toEqual([]);
  });

  it('leaves young days alone and compacts, then moves, old loaded ones', () => {
    const plan = planLifecycle([old, young], (d) => dayFingerprint((d === old.day ? old : young).objects), options);
    expect(plan.days.map((d) => d.day)).toEqual(['2024-03-01']);
    const day = plan.days[0]!;
    // Site A: 3 × 1000 bytes with a 2500-byte cap → one group of 2, one left alone; site B: 1 object, nothing to gain.
    expect(day.compactions).toHaveLength(1);
    expect(day.compactions[0]!.sources.map((o) => o.name)).toEqual([old.objects[0]!.name, old.objects[1]!.name]);
    expect(day.compactions[0]!.target).toMatch(/^readings\/dt=2024-03-01\/site=A\/compacted-[0-9a-f]{16}\.ndjson\.gz$/);
    expect(day.deleteAll).toBe(false);
  });

  it('names a compaction after its sources, so a retry writes to the same object', () => {
    const again = compactionGroups([...old.objects].reverse(), 2500);
    expect(again[0]!.target).toBe(compactionGroups(old.objects, 2500)[0]!.target);
  });

  it('does not compact Coldline objects, and skips a day already all in Coldline', () => {
    const cold = listing(
      '2024-03-01',
      old.objects.map((o) => ({ ...o, storageClass: 'COLDLINE' })),
    );
    expect(planLifecycle([cold], () => dayFingerprint(cold.objects), options).days).toEqual([]);
  });

  it('finds a compaction an earlier run did not finish', () => {
    const [a, b] = old.objects as [LakeObject, LakeObject];
    const sum = leafSum([a, b]);
    const target: LakeObject = {
      ...obj('2024-03-01', 'A', 'compacted-0000000000000000'),
      metadata: { [COMPACTION_META.sourcesSum]: sumHex(sum.sum), [COMPACTION_META.sourcesCount]: '2' },
    };
    const mark = (o: LakeObject) => ({ ...o, metadata: { [COMPACTION_META.compactedInto]: target.name } });
    const objects = [mark(a), mark(b), target];
    const day = planLifecycle([listing('2024-03-01', objects)], () => dayFingerprint(objects), options).days[0]!;
    expect(day.pending).toEqual([{ target, sources: [mark(a), mark(b)], allSourcesPresent: true }]);
    expect(day.compactions).toEqual([]);
    const half = [mark(b), target];
    expect(planLifecycle([listing('2024-03-01', half)], () => dayFingerprint(half), options).days[0]!.pending[0]!.allSourcesPresent).toBe(false);
    // Sources waiting for deletion are not moved to Coldline (they are deleted instead).
    expect(objectsToMove(objects).map((o) => o.name)).toEqual([target.name]);
  });

  it('deletes a loaded day past retention', () => {
    const plan = planLifecycle([old], () => dayFingerprint(old.objects), { ...options, retentionDays: 60 });
    expect(plan.days[0]!.deleteAll).toBe(true);
  });
});
