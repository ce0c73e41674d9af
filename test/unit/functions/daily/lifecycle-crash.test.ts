// The lifecycle's crash points, through the raw-zone port on an in-memory zone: a crash after the
// manifest, after a compose part, after the target, mid-delete, before the manifest's removal, and
// a 412 on the target; each followed by a rerun. After every single call to the zone the day holds
// every reading exactly once (compacted and plain objects, never superseded ones) and its
// fingerprint is unchanged, so nothing is deleted before its target exists and holds it; after the
// rerun the day is compacted, nothing is left in the work prefix, and a third run does nothing.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Bucket } from '@google-cloud/storage';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../functions/adapters/log.ts';
import { applyManifests, COMPACTION_WORK_PREFIX, composeTree, isManifestName, parseManifest } from '../../../../functions/daily/compaction-manifest.ts';
import type { DailyContext } from '../../../../functions/daily/context.ts';
import { listZoneDay } from '../../../../functions/daily/day-listing.ts';
import { dayFingerprint, effectiveObjects } from '../../../../functions/daily/fingerprint.ts';
import { runLifecycle } from '../../../../functions/daily/lifecycle.ts';
import { planLifecycle } from '../../../../functions/daily/plan.ts';
import type { DailySettings } from '../../../../functions/daily/settings.ts';
import { emptyTimings } from '../../../../functions/daily/timings.ts';
import type { RawObject } from '../../../../functions/core/raw-zone.ts';
import { MemoryRawZone, type Fault } from './memory-raw-zone.ts';

const DAY = '2024-03-01';
const TODAY = '2024-03-02'; // the day after: compacted, not yet moved
const isSourceOf = (site: string) => (n: string) => n.startsWith(`readings/dt=${DAY}/site=${site}/b`);
const isTarget = (n: string) => /\/compacted-[0-9a-f]{16}\.ndjson\.gz$/.test(n);

/** Site A: 70 batch objects (a compose tree of 3 parts + the target); site B: 3. */
function seeded(): { zone: MemoryRawZone; lines: string[] } {
  const zone = new MemoryRawZone();
  const lines: string[] = [];
  for (const [site, count] of [
    ['A', 70],
    ['B', 3],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const batch = [0, 1].map((k) => JSON.stringify({ site, tag: `T${k}`, ts: `${DAY}T00:${String(i % 60).padStart(2, '0')}:0${k}Z`, value: i * 10 + k }));
      lines.push(...batch);
      zone.put(`readings/dt=${DAY}/site=${site}/b${String(i).padStart(4, '0')}.ndjson.gz`, gzipSync(`${batch.join('\n')}\n`));
    }
  }
  return { zone, lines: lines.sort() };
}

/** The day's readings as a load would read them now: the lines of its effective objects. */
function effectiveLines(zone: MemoryRawZone): { lines: string[]; fingerprint: string } {
  const infos = [...zone.objects.keys()].filter((n) => n.startsWith(`readings/dt=${DAY}/`)).map((n) => zone.info(n)!);
  const manifests = [...zone.objects.keys()]
    .filter(isManifestName)
    .map((n) => parseManifest(zone.objects.get(n)!.bytes.toString('utf8')))
    .filter((m) => m !== null);
  const marked = applyManifests(infos, manifests);
  const lines = effectiveObjects(marked).flatMap((o) =>
    gunzipSync(zone.objects.get(o.name)!.bytes)
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );
  return { lines: lines.sort(), fingerprint: dayFingerprint(marked) };
}

/** Checks the invariant after every call the lifecycle makes to the zone. */
function watched(zone: MemoryRawZone, lines: string[], fingerprint: string): { violations: string[] } {
  const violations: string[] = [];
  for (const op of ['createOnce', 'setMetadata', 'setStorageClass', 'delete', 'compose'] as const) {
    const original = zone[op].bind(zone) as (...args: unknown[]) => Promise<unknown>;
    (zone as unknown as Record<string, unknown>)[op] = async (...args: unknown[]) => {
      try {
        return await original(...args);
      } finally {
        const now = effectiveLines(zone);
        if (now.fingerprint !== fingerprint) violations.push(`fingerprint changed after ${op} ${String(args[0])}`);
        if (JSON.stringify(now.lines) !== JSON.stringify(lines))
          violations.push(`readings not exactly once after ${op} ${String(args[0])} (${now.lines.length} of ${lines.length})`);
      }
    };
  }
  return { violations };
}

function context(zone: MemoryRawZone): DailyContext {
  return {
    raw: { name: zone.name } as Bucket,
    zone,
    config: {} as Bucket,
    warehouse: {} as DailyContext['warehouse'],
    settings: { concurrency: 4, coldlineAgeDays: 30, maxCompactedBytes: 64 << 20 } as DailySettings,
    log: createLogger({ function: 'daily' }, () => {}),
    runId: 'test-run',
    now: () => new Date(`${TODAY}T01:00:00Z`),
    timings: emptyTimings(),
  };
}

/** One lifecycle run as the daily job makes it: list the day, plan against the loaded fingerprint, run. */
async function run(zone: MemoryRawZone, loaded: string) {
  const { objects, work } = await listZoneDay(zone, DAY);
  const plan = planLifecycle([{ day: DAY, objects, work: work.map((w) => w.name) }], () => loaded, {
    today: TODAY,
    coldlineAgeDays: 30,
    compactAgeDays: 0,
    maxCompactedBytes: 64 << 20,
  });
  return runLifecycle(context(zone), plan);
}

/** A seeded day, listed and planned (a run stopped between its plan and its compactions), and site B's group. */
async function plannedSiteB() {
  const { zone, lines } = seeded();
  const fingerprint = effectiveLines(zone).fingerprint;
  const { objects } = await listZoneDay(zone, DAY);
  const plan = planLifecycle([{ day: DAY, objects }], () => fingerprint, { today: TODAY, coldlineAgeDays: 30, compactAgeDays: 0, maxCompactedBytes: 64 << 20 });
  const group = plan.days[0]!.compactions.find((g) => g.folder.includes('site=B/'))!;
  return { zone, lines, fingerprint, plan, group };
}

function expectCompacted(zone: MemoryRawZone, lines: string[]): void {
  const names = [...zone.objects.keys()];
  expect(names.filter((n) => n.startsWith('readings/'))).toHaveLength(2);
  expect(names.filter((n) => n.startsWith('readings/')).every(isTarget)).toBe(true);
  expect(names.filter((n) => n.startsWith(COMPACTION_WORK_PREFIX))).toEqual([]);
  expect(effectiveLines(zone).lines).toEqual(lines);
  // The compacted object is one valid gzip file holding every line once, in source order.
  const [a] = names.filter((n) => n.includes('site=A/'));
  expect(gunzipSync(zone.objects.get(a!)!.bytes).toString('utf8').split('\n').filter(Boolean)).toHaveLength(140);
}

describe('lifecycle crash points (raw-zone port, in memory)', () => {
  it('compacts a day with one compose tree per site, every reading once at every step', async () => {
    const { zone, lines } = seeded();
    const fingerprint = effectiveLines(zone).fingerprint;
    const { violations } = watched(zone, lines, fingerprint);
    const report = await run(zone, fingerprint);
    expect(report).toMatchObject({ days: [DAY], compactedObjects: 2, compactedSources: 73, movedToColdline: 0, errors: [] });
    expect(violations).toEqual([]);
    expectCompacted(zone, lines);
    // 70 sources: 3 parts of ≤ 32, then the target; 3 sources: the target alone. No source was read.
    expect(zone.calls.filter((c) => c.op === 'compose')).toHaveLength(5);
    expect(zone.calls.filter((c) => c.op === 'read' && c.name.startsWith('readings/'))).toEqual([]);
  });

  const crashes: [string, Fault][] = [
    ['after the manifest is written', { op: 'createOnce', when: 'after', name: isManifestName }],
    ['after the first compose part', { op: 'compose', when: 'after', name: (n) => n.includes('.part-1-0') }],
    ['after the target is written', { op: 'compose', when: 'after', name: (n) => isTarget(n) && n.includes('site=A/') }],
    ['mid-delete of the sources', { op: 'delete', when: 'after', name: isSourceOf('A'), nth: 17 }],
    ['after the last source is deleted, before the manifest', { op: 'delete', when: 'before', name: (n) => isManifestName(n) && n.includes('site=A/') }],
  ];
  for (const [where, fault] of crashes) {
    it(`keeps every reading once through a crash ${where}, and the rerun finishes`, async () => {
      const { zone, lines } = seeded();
      const fingerprint = effectiveLines(zone).fingerprint;
      const { violations } = watched(zone, lines, fingerprint);
      zone.crashAt(fault);
      const crashed = await run(zone, fingerprint);
      expect(crashed.errors.join()).toMatch(/crash/);
      expect(violations).toEqual([]);

      const rerun = await run(zone, fingerprint);
      expect(rerun.errors).toEqual([]);
      expect(violations).toEqual([]);
      expectCompacted(zone, lines);

      const calls = zone.calls.length;
      const third = await run(zone, fingerprint);
      expect(third).toMatchObject({ days: [], compactedObjects: 0, errors: [] });
      expect(zone.calls.slice(calls).filter((c) => c.op !== 'list')).toEqual([]);
    });
  }

  it('on a 412 (the target was composed after the listing) checks it and finishes', async () => {
    const { zone, lines, fingerprint, plan, group } = await plannedSiteB();
    // Another run got there first: the same target, composed from the same sources, with its sums.
    await zone.compose(
      group.sources.map((s) => s.name),
      group.target,
      {
        contentType: 'application/x-ndjson',
        contentEncoding: 'gzip',
        metadata: { 'plantlake-sources-sum': group.sourcesSum, 'plantlake-sources-count': String(group.sourcesCount) },
      },
    );
    const { violations } = watched(zone, lines, fingerprint);
    const report = await runLifecycle(context(zone), plan);
    expect(report.errors).toEqual([]);
    expect(violations).toEqual([]);
    expectCompacted(zone, lines);
  });

  it('on a 412 with a target that does not hold its sources, deletes nothing', async () => {
    const { zone, lines, plan, group } = await plannedSiteB();
    zone.put(group.target, gzipSync('{"site":"B","tag":"X","ts":"2024-03-01T00:00:00Z","value":1}\n'));
    const report = await runLifecycle(context(zone), plan);
    expect(report.errors.join()).toMatch(/does not hold exactly its sources' lines/);
    for (const s of group.sources) expect(zone.objects.has(s.name)).toBe(true);
    // The foreign object carries no sums, so it counts as one more plain object: the day reloads; nothing is lost.
    expect(effectiveLines(zone).lines).toEqual([...lines, '{"site":"B","tag":"X","ts":"2024-03-01T00:00:00Z","value":1}'].sort());
  });

  it('never marks a source that reappears under its name with a new generation', () => {
    const source: RawObject = { name: `readings/dt=${DAY}/site=A/b1.ndjson.gz`, size: 10, generation: '7' };
    const manifest = {
      version: 1 as const,
      target: `readings/dt=${DAY}/site=A/compacted-0000000000000000.ndjson.gz`,
      sources: [{ name: source.name, size: 10, generation: '6' }],
    };
    expect(applyManifests([source], [manifest])[0]!.metadata).toBeUndefined();
    expect(applyManifests([{ ...source, generation: '6' }], [manifest])[0]!.metadata).toEqual({ 'plantlake-compacted-into': manifest.target });
  });

  it('builds compose trees of at most 32 sources a request', () => {
    const sources = Array.from({ length: 8_640 }, (_, i) => `readings/dt=${DAY}/site=A/b${i}.ndjson.gz`);
    const tree = composeTree(sources, `readings/dt=${DAY}/site=A/compacted-0000000000000000.ndjson.gz`);
    expect(tree.map((level) => level.length)).toEqual([270, 9, 1]);
    expect(tree.flat().every((s) => s.sources.length <= 32)).toBe(true);
    expect(tree[0]!.flatMap((s) => s.sources)).toEqual(sources);
  });
});

describe('in-memory raw zone preconditions', () => {
  it('answers changed to a metadata patch on a generation that is no longer the object’s', async () => {
    const zone = new MemoryRawZone();
    const o = zone.put('readings/dt=2024-03-01/site=A/x.ndjson.gz', 'x');
    expect(await zone.setMetadata(o.name, { k: 'v' }, String(Number(o.generation) + 1))).toBe('changed');
    expect(await zone.setMetadata(o.name, { k: 'v' }, o.generation)).toBe('done');
    expect(await zone.setMetadata('readings/none', { k: 'v' })).toBe('changed');
  });
});
