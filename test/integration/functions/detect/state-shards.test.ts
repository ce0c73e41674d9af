// State that scales: a big site's alarm state in shards, each shard its own state object and its
// own ordering key, so a site's batches commit in parallel. Counted, not timed: Cloud Storage
// sustains about one write per second per object, so writes per object per second of plant time
// is the figure that must stay at or below 1. A scaled model of the reference (100,000 tags at
// 1 Hz in 20 batches of 5,000 per second): 2,000 tags at 1 Hz, one batch per shard per scan.
import { beforeAll, describe, expect, it } from 'vitest';
import { deserializeState, emptyState, evaluate, OBJECTS, parseBatch, parseRules, splitByShard, type AlarmState } from '../../../../functions/core/index.ts';
import { createLogger } from '../../../../functions/adapters/log.ts';
import type { DetectHandler } from '../../../../functions/detect/detect.ts';
import { createSweep } from '../../../../functions/sweep/sweep.ts';
import { batch, detectOn, json, logCapture, messagePublished, objectNames, readGzipNdjson, testPipeline, type Reading, type TestPipeline } from '../support.ts';

const SHARDS = 32;
const TAGS = Array.from({ length: 2000 }, (_, i) => `10LAB${String(10 + Math.floor(i / 100)).padStart(2, '0')}CP${String(i % 100).padStart(3, '0')}`);
const RULES = 'version: "big-1"\nrules:\n  - prefix: "10LAB"\n    limits: { H: 100 }\n    staleTimeout: 60\n    priority: high\n';

describe('sharded alarm state', () => {
  let p: TestPipeline;
  const logs = logCapture();
  let seq = 0;
  const t0 = Date.now() - 20 * 60_000;
  const scan = (site: string, k: number) =>
    batch(
      `${site}-scan-${k}`,
      site,
      TAGS.map((tag, i): Reading => ({ tag, ts: new Date(t0 + k * 1000).toISOString(), value: (i + k) % 250 === 0 ? 150 : 50, quality: 'good' })),
    );
  const detectWith = (stateShards: number): DetectHandler => detectOn(p, logs.sink, { rulesCheckEveryMs: 60_000, stateShards });
  const stateOf = async (name: string): Promise<AlarmState> => {
    const [bytes] = await p.raw.file(name).download();
    const loaded = deserializeState(bytes.toString());
    if (!loaded.ok) throw new Error(loaded.reason);
    return loaded.state;
  };
  const eventIds = async (site: string) => {
    const names = (await objectNames(p.raw, OBJECTS.alarmEventsPrefix)).filter((n) => n.includes(`/site=${site}/`));
    return [...new Set((await Promise.all(names.map((n) => readGzipNdjson<{ event_id: string }>(p.raw, n)))).flat().map((r) => r.event_id))].sort();
  };

  beforeAll(async () => {
    p = await testPipeline('shards');
    await p.config.file(OBJECTS.rules).save(RULES, { resumable: false });
  });

  it('one site, 32 shards: one write per shard object per scan, none lost to a race, the same alarms as one state', async () => {
    const site = 'BIG-1';
    const instances = [detectWith(SHARDS), detectWith(SHARDS)];
    const scans = 3;
    for (let k = 0; k < scans; k++) {
      // What a gateway sends per scan: one batch per shard (ordering key S/k), all at once.
      const parts = splitByShard(scan(site, k) as Parameters<typeof splitByShard>[0], SHARDS);
      await Promise.all(
        parts.map(({ shard, batch: part }, i) =>
          instances[i % 2]!(messagePublished(json({ ...part, batchId: `${part.batchId}.s${shard}` }), { messageId: `m-${++seq}` })),
        ),
      );
    }
    const shardObjects = (await objectNames(p.raw, `state/alarms/site=${site}/`)).filter((n) => n.endsWith('.json'));
    expect(shardObjects).toHaveLength(SHARDS);
    let tags = 0;
    for (const name of shardObjects) {
      const s = await stateOf(name);
      tags += s.tags.length;
      expect(s.recentBatches, name).toHaveLength(scans); // 3 writes over 3 s of plant time: 1 per second
    }
    expect(tags).toBe(TAGS.length);
    // No commit lost a race: each shard has its own object.
    expect(logs.lines.filter((l) => l.event === 'detect.batch' && l.site === site).every((l) => l.attempts === 1)).toBe(true);

    // The same alarms as one state evaluated in the core.
    const rules = parseRules(RULES);
    if (!rules.ok) throw new Error(rules.reason);
    let one = emptyState();
    const want: string[] = [];
    for (let k = 0; k < scans; k++) {
      const parsed = parseBatch(JSON.stringify(scan(site, k)), new Date());
      if (!parsed.ok) throw new Error(parsed.reason);
      const r = evaluate(one, parsed.batch, rules.rules, new Date());
      one = r.state;
      want.push(...r.events.map((e) => e.eventId));
    }
    expect(want.length).toBeGreaterThan(0);
    expect(await eventIds(site)).toEqual(want.sort());

    // The sweep judges every shard: the whole silent site goes STALE.
    const sweep = createSweep({
      storage: p.clients.storage,
      pubsub: p.clients.pubsub,
      rawBucket: p.names.buckets.raw,
      configBucket: p.names.buckets.config,
      alertsTopic: p.names.topics.alerts,
      log: createLogger({ function: 'sweep', environment: 'test' }, logs.sink),
      rulesCheckEveryMs: 0,
      stateShards: SHARDS,
      now: () => new Date(t0 + 120_000),
    });
    expect(await sweep()).toMatchObject({ status: 'succeeded', sites: 1, committed: 1, events: TAGS.length });
  }, 120_000);

  it('the ceiling unsharded: the same load is 32 writes per second on one object', async () => {
    const site = 'BIG-2';
    const detect = detectWith(1);
    for (let k = 0; k < 2; k++) {
      for (const { shard, batch: part } of splitByShard(scan(site, k) as Parameters<typeof splitByShard>[0], SHARDS)) {
        await detect(messagePublished(json({ ...part, batchId: `${part.batchId}.s${shard}` }), { messageId: `m-${++seq}` }));
      }
    }
    const state = await stateOf(OBJECTS.alarmState(site));
    // 64 commits of one object for 2 s of plant time: 32/s against Cloud Storage's ~1/s per object.
    expect(state.recentBatches).toHaveLength(2 * SHARDS);
  }, 120_000);
});
