// detect keeps each site's live snapshot beside its alarm state, on the Storage emulator: every
// tag's latest value, alarms as they rise and clear, nothing lost when instances race.
import { beforeAll, describe, expect, it } from 'vitest';
import { deserializeSnapshot, OBJECTS } from '../../../../functions/core/index.ts';
import type { DetectHandler } from '../../../../functions/detect/detect.ts';
import { batch, detectOn, json, logCapture, messagePublished, testPipeline, type TestPipeline } from '../support.ts';

describe('detect: live snapshot', () => {
  let p: TestPipeline;
  const logs = logCapture();
  let seq = 0;
  const instance = (): DetectHandler => detectOn(p, logs.sink);
  const event = (body: unknown) => messagePublished(json(body), { messageId: `m-${++seq}` });
  const secondsAgo = (s: number) => new Date(Date.now() - s * 1000).toISOString();
  const snapshot = async (site: string) => {
    const [bytes] = await p.raw.file(OBJECTS.liveSnapshot(site)).download();
    const loaded = deserializeSnapshot(bytes.toString(), site);
    if (!loaded.ok) throw new Error(loaded.reason);
    return loaded.snapshot;
  };

  beforeAll(async () => {
    p = await testPipeline('live');
    await p.config.file(OBJECTS.rules).save('version: "live"\nrules:\n  - prefix: "10LAB"\n    limits: { H: 100 }\n    priority: high\n', { resumable: false });
  });

  it('shows the latest value of every tag, with or without a rule, and an alarm until it clears', async () => {
    const detect = instance();
    const site = 'LIVE-1';
    const first = batch('l-1', site, [
      { tag: '10LAB10CP001', ts: secondsAgo(30), value: 150, quality: 'good' },
      { tag: '10EGB10CL001', ts: secondsAgo(30), value: 42.5, quality: 'uncertain' },
    ]);
    await detect(event(first));
    const raised = await snapshot(site);
    expect(raised.tags.map((t) => [t.tag, t.value, t.quality])).toEqual([
      ['10EGB10CL001', 42.5, 'uncertain'],
      ['10LAB10CP001', 150, 'good'],
    ]);
    expect(raised.alarms).toMatchObject([{ tag: '10LAB10CP001', condition: 'H', active: true, priority: 'high', value: 150, limit: 100 }]);

    await detect(event(batch('l-2', site, [{ tag: '10LAB10CP001', ts: secondsAgo(10), value: 50, quality: 'good' }])));
    const cleared = await snapshot(site);
    expect(cleared.alarms.filter((a) => a.active)).toEqual([]);
    expect(cleared.tags.find((t) => t.tag === '10LAB10CP001')?.value).toBe(50);
    // A redelivery of an old batch changes nothing the panel shows.
    await detect(event(first));
    expect((await snapshot(site)).tags).toEqual(cleared.tags);
  });

  it('loses no tag when instances race on one site', async () => {
    const site = 'LIVE-RACE';
    const instances = [instance(), instance()];
    const tags = Array.from({ length: 6 }, (_, i) => `10EGB1${i}CL001`);
    await Promise.all(tags.map((tag, i) => instances[i % 2]!(event(batch(`lr-${i}`, site, [{ tag, ts: secondsAgo(5), value: i, quality: 'good' }])))));
    const final = await snapshot(site);
    expect(final.tags.map((t) => [t.tag, t.value])).toEqual(tags.map((t, i) => [t, i]));
  });
});
