// A site that goes silent raises STALE: the sweep (served through the Functions Framework and
// called as Cloud Scheduler would) judges every listed site against the receive time through
// detect's commit and outbox path; the first batch after the silence clears it. Then the whole
// thing in real time: detect fed through Pub/Sub, the scheduler tick running every second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Subscription } from '@google-cloud/pubsub';
import { OBJECTS, type AlarmEvent } from '../../../../functions/core/index.ts';
import { createLogger } from '../../../../functions/adapters/log.ts';
import { createDetect } from '../../../../functions/detect/detect.ts';
import { createSweep } from '../../../../functions/sweep/sweep.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../../local/functions/pipeline.ts';
import { startSweepTick, type SweepTick } from '../../../../local/functions/sweep-tick.ts';
import { Gateway } from '../../../../cli/gateway.ts';
import { sitePublisher } from '../../../../cli/site-publisher.ts';
import { uniqueName } from '../../../harness/emulators.ts';
import { batch, json, logCapture, messagePublished, objectNames, readGzipNdjson, testPipeline, waitFor, type TestPipeline } from '../support.ts';

const TAG = '10LAB10CF001';
const RULES = (staleSeconds: number) => `
version: "stale-1"
rules:
  - tag: ${TAG}
    limits: { H: 100 }
    staleTimeout: ${staleSeconds}
    priority: medium
`;

describe('STALE sweep', () => {
  let p: TestPipeline;
  let watch: Subscription;
  const alerts: AlarmEvent[] = [];
  const logs = logCapture();
  let clock = new Date();
  let seq = 0;
  const log = (fn: string) => createLogger({ function: fn, environment: 'test' }, logs.sink);
  const history = async (site: string) => {
    const names = (await objectNames(p.raw, OBJECTS.alarmEventsPrefix)).filter((n) => n.includes(`/site=${site}/`));
    const rows = (
      await Promise.all(names.map((n) => readGzipNdjson<{ event_id: string; condition: string; transition: string; reading_ts: string }>(p.raw, n)))
    ).flat();
    return [...new Map(rows.map((r) => [r.event_id, r])).values()].sort(
      (a, b) => Date.parse(a.reading_ts) - Date.parse(b.reading_ts) || a.transition.localeCompare(b.transition),
    );
  };
  const generation = async (site: string) => Number((await p.raw.file(OBJECTS.alarmState(site)).getMetadata())[0].generation);

  beforeAll(async () => {
    p = await testPipeline('stale');
    [watch] = await p.clients.pubsub.topic(p.names.topics.alerts).createSubscription(uniqueName('alerts-watch'));
    watch.on('message', (m: Message) => {
      alerts.push(JSON.parse(m.data.toString()) as AlarmEvent);
      m.ack();
    });
  });
  afterAll(() => watch?.close());

  describe('judged on a controlled clock', () => {
    let tick: SweepTick;
    beforeAll(async () => {
      await p.config.file(OBJECTS.rules).save(RULES(120), { resumable: false });
      const sweep = createSweep({
        storage: p.clients.storage,
        pubsub: p.clients.pubsub,
        rawBucket: p.names.buckets.raw,
        configBucket: p.names.buckets.config,
        alertsTopic: p.names.topics.alerts,
        log: log('sweep'),
        rulesCheckEveryMs: 0,
        now: () => clock,
      });
      tick = await startSweepTick(sweep);
    });
    afterAll(() => tick?.stop());

    it('raises STALE within the timeout plus one tick, once, and clears it when data returns', async () => {
      const detect = createDetect({
        storage: p.clients.storage,
        pubsub: p.clients.pubsub,
        rawBucket: p.names.buckets.raw,
        configBucket: p.names.buckets.config,
        alertsTopic: p.names.topics.alerts,
        log: log('detect'),
        rulesCheckEveryMs: 0,
      });
      const last = Date.now() - 30 * 60_000;
      const at = (s: number) => new Date(last + s * 1000).toISOString();
      const site = 'SIL-1';
      await detect(
        messagePublished(
          json(
            batch('sil-1', site, [
              { tag: TAG, ts: at(-10), value: 50, quality: 'good' },
              { tag: TAG, ts: at(0), value: 50, quality: 'good' },
            ]),
          ),
          { messageId: `m-${++seq}` },
        ),
      );
      // A second site that keeps sending is left alone.
      await detect(messagePublished(json(batch('live-1', 'LIVE-2', [{ tag: TAG, ts: at(170), value: 50, quality: 'good' }])), { messageId: `m-${++seq}` }));
      expect(
        await p.raw
          .file(OBJECTS.alarmSites)
          .download()
          .then(([b]) => JSON.parse(b.toString())),
      ).toEqual({ sites: ['LIVE-2', 'SIL-1'] });

      clock = new Date(last + 110_000); // inside the timeout: nothing
      expect(await tick.tick()).toMatchObject({ status: 'succeeded', sites: 2, committed: 0, events: 0 });
      const before = await generation(site);
      clock = new Date(last + 180_000); // one tick after the 120 s timeout passed
      expect(await tick.tick()).toMatchObject({ status: 'succeeded', sites: 2, committed: 1, events: 1 });
      expect((await history(site)).map((r) => `${r.condition} ${r.transition} ${r.reading_ts}`)).toEqual([`STALE active ${at(0)}`]);
      expect(await history('LIVE-2')).toEqual([]);
      expect(await generation(site)).toBeGreaterThan(before);
      await waitFor('the STALE alert', async () => alerts.some((a) => a.site === site && a.condition === 'STALE' && a.transition === 'active'));

      // Further ticks while silent change nothing and write nothing.
      const raised = await generation(site);
      clock = new Date(last + 240_000);
      expect(await tick.tick()).toMatchObject({ committed: 0, events: 0 });
      expect(await generation(site)).toBe(raised);

      // Data returns: the batch clears STALE through the same path.
      await detect(messagePublished(json(batch('sil-2', site, [{ tag: TAG, ts: at(250), value: 50, quality: 'good' }])), { messageId: `m-${++seq}` }));
      expect((await history(site)).map((r) => `${r.condition} ${r.transition} ${r.reading_ts}`)).toEqual([`STALE active ${at(0)}`, `STALE cleared ${at(250)}`]);
      clock = new Date(last + 260_000);
      expect(await tick.tick()).toMatchObject({ committed: 0, events: 0 });
      expect(logs.where('event', 'sweep.summary').every((l) => l.severity === 'INFO')).toBe(true);
    });
  });

  describe('in real time, through Pub/Sub and the scheduler tick', () => {
    let fns: LocalFunctions;
    beforeAll(async () => {
      await p.config.file(OBJECTS.rules).save(RULES(3), { resumable: false });
      fns = await startLocalFunctions({
        clients: p.clients,
        names: p.names,
        functions: ['detect'],
        logSink: logs.sink,
        configCheckSeconds: 0,
        sweepEveryMs: 1000,
        delivery: { log: () => {} },
      });
    });
    afterAll(() => fns?.stop());

    it('a gateway that stops sending raises STALE within its 3 s timeout plus a tick', async () => {
      const site = 'SIL-RT';
      const gateway = new Gateway(sitePublisher(p.clients.pubsub.topic(p.names.topics.readings)));
      let lastTs = '';
      for (let i = 0; i < 3; i++) {
        lastTs = new Date().toISOString();
        await gateway.send(batch(`rt-${i}`, site, [{ tag: TAG, ts: lastTs, value: 50, quality: 'good' }]));
        await new Promise((r) => setTimeout(r, 500));
      }
      await waitFor('the 3 batches through detect', async () => fns.deliveries.detect!.stats.delivered >= 3);
      // On a loaded machine a batch can reach detect more than 3 s after the one before, and the
      // sweep then rightly raises (and the next batch clears) a STALE on the way; the alarm under
      // test is the one at the last reading. How soon it comes is judged on the controlled clock above.
      const stale = (transition: string, readingTs: string) => (a: AlarmEvent) =>
        a.site === site && a.tag === TAG && a.condition === 'STALE' && a.transition === transition && a.readingTs === readingTs;
      const raised = await waitFor('STALE raised by the sweep at the last reading', async () => alerts.find(stale('active', lastTs)), 30_000);
      // The sweep logs the site after publishing and updating the live snapshot: wait for its line.
      await waitFor('the sweep.site line of that STALE', async () =>
        logs.lines.some((l) => l.event === 'sweep.site' && l.site === site && (l.eventIds as string[]).includes(raised.eventId)),
      );
      const backTs = new Date().toISOString();
      await gateway.send(batch('rt-back', site, [{ tag: TAG, ts: backTs, value: 50, quality: 'good' }]));
      await waitFor('STALE cleared by the returning batch', async () => alerts.find(stale('cleared', backTs)), 30_000);
      // Raised once: later ticks of the silence did not raise it again (a redelivery keeps its id).
      expect(new Set(alerts.filter(stale('active', lastTs)).map((a) => a.eventId))).toEqual(new Set([raised.eventId]));
    }, 60_000);
  });
});
