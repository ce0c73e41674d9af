// No excursion lost to delivery order: the same tag in two batches delivered in reverse, at once
// on two instances and retried, ends with the excursion in alarm history (marked late when it was
// found in late data); and a gateway's store-and-forward burst after a 2-hour outage, published
// with the site as ordering key through Pub/Sub and the push bridge, gives the same history as
// the same readings delivered live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OBJECTS } from '../../../../functions/core/index.ts';
import type { DetectHandler } from '../../../../functions/detect/detect.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../../local/functions/pipeline.ts';
import { Gateway } from '../../../../cli/gateway.ts';
import { sitePublisher } from '../../../../cli/site-publisher.ts';
import {
  batch,
  detectOn,
  json,
  logCapture,
  messagePublished,
  objectNames,
  readGzipNdjson,
  testPipeline,
  waitFor,
  type Reading,
  type TestPipeline,
} from '../support.ts';

const TAG = '10LAB10CT001';
const RULES = `
version: "late-1"
rules:
  - tag: ${TAG}
    limits: { HH: 180, H: 100 }
    deadband: 5
    priority: high
`;

interface EventRow {
  event_id: string;
  tag: string;
  condition: string;
  transition: string;
  reading_ts: string;
  late: boolean;
}

describe('late data and delivery order', () => {
  let p: TestPipeline;
  const logs = logCapture();
  let seq = 0;
  const instance = (): DetectHandler => detectOn(p, logs.sink);
  const event = (body: unknown, messageId = `m-${++seq}`) => messagePublished(json(body), { messageId });
  const history = async (site: string): Promise<EventRow[]> => {
    const names = (await objectNames(p.raw, OBJECTS.alarmEventsPrefix)).filter((n) => n.includes(`/site=${site}/`));
    const rows = (await Promise.all(names.map((n) => readGzipNdjson<EventRow>(p.raw, n)))).flat();
    const byId = new Map(rows.map((r) => [r.event_id, r])); // the daily load keeps one row per event_id
    return [...byId.values()].sort(
      (a, b) => Date.parse(a.reading_ts) - Date.parse(b.reading_ts) || a.transition.localeCompare(b.transition) || a.condition.localeCompare(b.condition),
    );
  };
  const brief = (rows: readonly EventRow[], t0: number) => rows.map((r) => `${r.condition} ${r.transition} +${(Date.parse(r.reading_ts) - t0) / 1000}s`);

  beforeAll(async () => {
    p = await testPipeline('late');
    await p.config.file(OBJECTS.rules).save(RULES, { resumable: false });
  });

  it('same tag, two batches, reversed, concurrent on two instances and retried: the excursion is in history', async () => {
    const t0 = Date.now() - 10 * 60_000;
    const reading = (dt: number, value: number): Reading => ({ tag: TAG, ts: new Date(t0 + dt).toISOString(), value, quality: 'good' });
    const scenarios: Array<(b1: unknown, b2: unknown, x: DetectHandler, y: DetectHandler) => Promise<unknown>> = [
      // B2 commits first, then B1 arrives twice at once (a retry racing its original).
      async (b1, b2, x, y) => {
        await x(event(b2));
        await Promise.all([x(event(b1, 'b1')), y(event(b1, 'b1'))]);
      },
      // Both at once on two instances, then B1 again (a replay from the dead-letter topic).
      async (b1, b2, x, y) => {
        await Promise.all([x(event(b2)), y(event(b1))]);
        await y(event(b1));
      },
      // B1 fails once (here: a transient fault before the commit) and is retried after B2 committed.
      async (b1, b2, x, y) => {
        await x(event(b2));
        await y(event(b1));
        await x(event(b1));
      },
    ];
    for (const [k, scenario] of scenarios.entries()) {
      const site = `REV-${k + 1}`;
      const b1 = batch(`${site}-B1`, site, [reading(0, 150)]);
      const b2 = batch(`${site}-B2`, site, [reading(5000, 50)]);
      await scenario(b1, b2, instance(), instance());
      const rows = await history(site);
      expect(brief(rows, t0), site).toEqual(['H active +0s', 'H cleared +5s']);
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(2);
    }
    // Where B2 certainly came first, the excursion was found in late data and says so.
    expect((await history('REV-1')).map((r) => r.late)).toEqual([true, true]);
    expect((await history('REV-3')).map((r) => r.late)).toEqual([true, true]);
  });

  describe('store-and-forward through Pub/Sub with ordering keys', () => {
    let fns: LocalFunctions;
    beforeAll(async () => {
      fns = await startLocalFunctions({
        clients: p.clients,
        names: p.names,
        functions: ['detect'],
        logSink: logs.sink,
        configCheckSeconds: 0,
        delivery: { log: () => {} },
      });
    });
    afterAll(() => fns?.stop());

    it('a burst after a 2-hour gap gives the same alarm history as live delivery', async () => {
      const t0 = Date.now() - 4 * 3600_000;
      // 3 hours, a batch of 6 readings (every 10 s) per minute, with three excursions,
      // one of them (HH) inside the outage.
      const value = (s: number) => (s >= 1800 && s < 1900 ? 150 : s >= 5400 && s < 5460 ? 190 : s >= 9000 && s < 9100 ? 130 : 40);
      const batches = (site: string) =>
        Array.from({ length: 180 }, (_, m) =>
          batch(
            `${site}-${m}`,
            site,
            Array.from({ length: 6 }, (_, i) => ({
              tag: TAG,
              ts: new Date(t0 + (m * 60 + i * 10) * 1000).toISOString(),
              value: value(m * 60 + i * 10),
              quality: 'good' as const,
            })),
          ),
        );
      const topic = p.clients.pubsub.topic(p.names.topics.readings);
      const delivered = (n: number) =>
        waitFor(`${n} batches through detect`, async () => (fns.deliveries.detect!.stats.delivered >= n ? true : undefined), 120_000);
      // LIVE: the first and the last hour sent as they happen (here: one after another, each
      // waited for); BURST: the same, but the middle two hours queue in the gateway (link down)
      // and go out in one burst when it is back, in order.
      const live = new Gateway(sitePublisher(topic));
      const burst = new Gateway(sitePublisher(topic));
      const liveBatches = batches('LIVE-1');
      const burstBatches = batches('BURST-1');
      let expected = 0;
      for (let m = 0; m < 60; m++) {
        await live.send(liveBatches[m]!);
        await burst.send(burstBatches[m]!);
        await delivered((expected += 2));
      }
      for (let m = 60; m < 180; m++) {
        await live.send(liveBatches[m]!);
        await delivered(++expected);
      }
      for (let m = 60; m < 180; m++) void burst.send(burstBatches[m]!);
      await burst.flush();
      await delivered((expected += 120));
      const liveRows = await history('LIVE-1');
      const burstRows = await history('BURST-1');
      expect(brief(liveRows, t0)).toEqual([
        'H active +1800s',
        'H cleared +1900s',
        'H active +5400s',
        'HH active +5400s',
        'H cleared +5460s',
        'HH cleared +5460s',
        'H active +9000s',
        'H cleared +9100s',
      ]);
      expect(brief(burstRows, t0)).toEqual(brief(liveRows, t0));
      expect(burstRows.every((r) => !r.late)).toBe(true);
    }, 300_000);
  });
});
