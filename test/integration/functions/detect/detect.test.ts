// detect called as a function (CloudEvents shaped like Eventarc's), against the emulators:
// hot-reloaded rules, optimistic concurrency on a site's state, the outbox protocol after a
// crash, and what it does with input it cannot use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Subscription } from '@google-cloud/pubsub';
import { emptyState, evaluate, OBJECTS, parseBatch, parseRules, deserializeState, type AlarmEvent } from '../../../../functions/core/index.ts';
import { createAlarmStateStore } from '../../../../functions/adapters/alarm-state-store.ts';
import type { DetectHandler } from '../../../../functions/detect/detect.ts';
import { writeOutbox } from '../../../../functions/adapters/deliver-outbox.ts';
import { makeOutbox } from '../../../../functions/core/alarm-outbox.ts';
import { uniqueName } from '../../../harness/emulators.ts';
import { batch, detectOn, json, logCapture, messagePublished, objectNames, readGzipNdjson, testPipeline, waitFor, type TestPipeline } from '../support.ts';

const rules = (version: string, h: number) => `
version: "${version}"
defaults: { priority: medium }
rules:
  - prefix: "10LAB"
    limits: { H: ${h} }
    deadband: 1
`;

describe('detect', () => {
  let p: TestPipeline;
  let watch: Subscription;
  const alerts: AlarmEvent[] = [];
  const logs = logCapture();
  let seq = 0;

  const instance = (): DetectHandler => detectOn(p, logs.sink);
  const event = (body: unknown) => messagePublished(json(body), { messageId: `m-${++seq}` });
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
  const lakeEvents = async (site: string) => {
    const names = (await objectNames(p.raw, OBJECTS.alarmEventsPrefix)).filter((n) => n.includes(`/site=${site}/`));
    return (await Promise.all(names.map((n) => readGzipNdjson<{ event_id: string; tag: string; transition: string; rules_version: string }>(p.raw, n)))).flat();
  };
  const state = async (site: string) => {
    const [bytes] = await p.raw.file(OBJECTS.alarmState(site)).download();
    const loaded = deserializeState(bytes.toString());
    if (!loaded.ok) throw new Error(loaded.reason);
    return loaded.state;
  };

  beforeAll(async () => {
    p = await testPipeline('detect');
    [watch] = await p.clients.pubsub.topic(p.names.topics.alerts).createSubscription(uniqueName('alerts-watch'));
    watch.on('message', (m: Message) => {
      alerts.push(JSON.parse(m.data.toString()) as AlarmEvent);
      m.ack();
    });
  });
  afterAll(() => watch?.close());

  it('applies a changed rules file without a restart, and keeps the last good rules when a new one is invalid', async () => {
    const detect = instance();
    const site = 'HOT-1';
    await p.config.file(OBJECTS.rules).save(rules('v1', 200), { resumable: false });
    await detect(event(batch('hot-1', site, [{ tag: '10LAB10CP001', ts: minutesAgo(5), value: 185, quality: 'good' }])));
    expect(await lakeEvents(site)).toEqual([]);

    await p.config.file(OBJECTS.rules).save(rules('v2', 180), { resumable: false });
    await detect(event(batch('hot-2', site, [{ tag: '10LAB10CP001', ts: minutesAgo(4), value: 186, quality: 'good' }])));
    expect((await lakeEvents(site)).map((r) => [r.transition, r.rules_version])).toEqual([['active', 'v2']]);

    await p.config.file(OBJECTS.rules).save('version: "v3"\nrules:\n  - prefix: "10LAB"\n    limits: { H: 10, HH: 5 }\n', { resumable: false });
    await detect(event(batch('hot-3', site, [{ tag: '10LAB10CP001', ts: minutesAgo(3), value: 150, quality: 'good' }])));
    const invalid = logs.where('event', 'detect.rules-invalid');
    expect(invalid).toHaveLength(1);
    expect(invalid[0]!.message).toMatch(/HH.*must be|H \(10\)|limits go HH > H > L > LL/);
    expect((await lakeEvents(site)).map((r) => [r.transition, r.rules_version])).toEqual([
      ['active', 'v2'],
      ['cleared', 'v2'],
    ]);
    expect(logs.where('event', 'detect.rules').map((l) => l.rulesVersion)).toEqual(['v1', 'v2']);
  });

  it('loses no state update when instances race on one site', async () => {
    const site = 'RACE-1';
    await p.config.file(OBJECTS.rules).save(rules('race', 100), { resumable: false });
    const instances = [instance(), instance()];
    const tags = Array.from({ length: 6 }, (_, i) => `10LAB1${i}CP001`);
    // Every batch raises H on its own tag; all start at once, on two "instances".
    await Promise.all(tags.map((tag, i) => instances[i % 2]!(event(batch(`race-${i}`, site, [{ tag, ts: minutesAgo(2), value: 150, quality: 'good' }])))));
    const final = await state(site);
    expect(final.tags.map((t) => t.tag).sort()).toEqual([...tags].sort());
    for (const t of final.tags) expect(t.conditions.H, t.tag).toEqual({ active: true, since: null });

    const rows = await lakeEvents(site);
    expect(rows.map((r) => r.tag).sort()).toEqual([...tags].sort());
    expect(new Set(rows.map((r) => r.event_id)).size).toBe(6);
    // Every event reaches alerts; one may arrive twice (an instance that read the state before
    // the winner deleted its delivered outbox delivers it again), with the same eventId.
    const ids = () => new Set(alerts.filter((a) => a.site === site).map((a) => a.eventId));
    await waitFor('the 6 alerts of the race', async () => ids().size >= 6);
    expect([...ids()].sort()).toEqual(rows.map((r) => r.event_id).sort());
    const attempts = logs.lines.filter((l) => l.event === 'detect.batch' && l.site === site).map((l) => l.attempts as number);
    // The race is real: some instance lost a commit and evaluated again.
    expect(attempts.reduce((a, b) => a + b, 0)).toBeGreaterThan(tags.length);
  });

  it('delivers the events of a commit that crashed before delivering them, on the next event of the site', async () => {
    const site = 'CRASH-1';
    await p.config.file(OBJECTS.rules).save(rules('crash', 100), { resumable: false });
    // What a crash between "commit" and "deliver" leaves: a committed state naming an outbox.
    const parsedRules = parseRules(rules('crash', 100));
    if (!parsedRules.ok) throw new Error(parsedRules.reason);
    const b = batch('crash-1', site, [{ tag: '10LAB10CP001', ts: minutesAgo(2), value: 150, quality: 'good' }]);
    const parsed = parseBatch(JSON.stringify(b), new Date());
    if (!parsed.ok) throw new Error(parsed.reason);
    const evaluation = evaluate(emptyState(), parsed.batch, parsedRules.rules, new Date());
    expect(evaluation.events).toHaveLength(1);
    const outbox = makeOutbox(site, b.batchId, evaluation.events);
    await writeOutbox(p.raw, outbox);
    expect(await createAlarmStateStore(p.raw).commit(site, evaluation.state, 0, { batchId: b.batchId, outbox: outbox.id })).toBe(true);
    expect(await lakeEvents(site)).toEqual([]);

    // Pub/Sub redelivers the batch (the crashed run never answered): it is late now, but its events go out.
    await instance()(event(b));
    expect((await lakeEvents(site)).map((r) => r.event_id)).toEqual([evaluation.events[0]!.eventId]);
    await waitFor('the recovered alert', async () => alerts.some((a) => a.eventId === evaluation.events[0]!.eventId));
    expect(await objectNames(p.raw, `state/alarms/outbox/site=${site}/`)).toEqual([]);
    expect(logs.lines.find((l) => l.event === 'detect.batch' && l.site === site)).toMatchObject({ outcome: 'no-change', recoveredOutboxes: 1 });
  });

  it('acks invalid batches; keeps the last good rules through a missing object; retries without any rules', async () => {
    const warm = instance();
    await warm(messagePublished(Buffer.from('not json'), { messageId: 'bad-json' }));
    expect(logs.lines.find((l) => l.messageId === 'bad-json')).toMatchObject({ outcome: 'skipped-invalid', severity: 'INFO' });

    await p.config.file(OBJECTS.rules).save(rules('gap', 100), { resumable: false });
    await warm(event(batch('gap-0', 'GAP-1', [{ tag: '10LAB10CP001', ts: minutesAgo(3), value: 5, quality: 'good' }])));
    // The rules object is replaced by a deployment (delete before create): the warm instance goes on.
    await p.config.file(OBJECTS.rules).delete();
    await warm(event(batch('gap-1', 'GAP-1', [{ tag: '10LAB10CP001', ts: minutesAgo(2), value: 150, quality: 'good' }])));
    expect((await lakeEvents('GAP-1')).map((r) => [r.transition, r.rules_version])).toEqual([['active', 'gap']]);
    expect(logs.where('event', 'detect.rules-missing').at(-1)).toMatchObject({ severity: 'WARNING', rulesVersion: 'gap' });

    // A cold instance has nothing to keep: it does not ack (Pub/Sub retries), and says why.
    const cold = instance();
    const b = batch('norules-1', 'NORULES-1', [{ tag: '10LAB10CP001', ts: minutesAgo(1), value: 999, quality: 'good' }]);
    await expect(cold(event(b))).rejects.toThrow(/no usable alarm rules.*not acked.*Upload a valid rules file/);
    expect(logs.lines.find((l) => l.batchId === 'norules-1')).toMatchObject({ outcome: 'no-rules', severity: 'ERROR' });
    expect(await objectNames(p.raw, OBJECTS.alarmState('NORULES-1'))).toEqual([]);
    // The retry after the rules are back evaluates it.
    await p.config.file(OBJECTS.rules).save(rules('back', 100), { resumable: false });
    await cold(event(b));
    expect((await lakeEvents('NORULES-1')).map((r) => [r.transition, r.rules_version])).toEqual([['active', 'back']]);
  });
});
