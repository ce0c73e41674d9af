// The real-time path end to end on the emulators: readings → detect → alerts → notify → chat
// webhook, every hop through Pub/Sub and the Functions Framework's push handling. One excursion
// gives exactly one active and one cleared event and one webhook message per transition; a
// second excursion within the throttle window is held back, and its cleared still goes out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Subscription, Topic } from '@google-cloud/pubsub';
import { OBJECTS } from '../../../functions/core/index.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../local/functions/pipeline.ts';
import { uniqueName } from '../../harness/emulators.ts';
import { batch, json, logCapture, objectNames, readGzipNdjson, testPipeline, waitFor, type TestPipeline } from './support.ts';
import { startWebhookServer, type WebhookServer } from './webhook-server.ts';

const SITE = 'PWR-01';
const TAG = '10LAB10CP001';
const RULES = `
version: "v1"
rules:
  - tag: ${TAG}
    limits: { H: 180, L: 20 }
    deadband: 2
    priority: high
`;
const CATALOG = `
tags:
  - tag: ${TAG}
    site: ${SITE}
    description: Feedwater pump A discharge pressure
    unit: bar
    area: boiler house
`;

describe('readings → detect → alerts → notify → webhook', () => {
  let p: TestPipeline;
  let fns: LocalFunctions;
  let readings: Topic;
  let watch: Subscription;
  let hook: WebhookServer;
  const alerts: Message[] = [];
  const logs = logCapture();

  beforeAll(async () => {
    p = await testPipeline('e2e');
    hook = await startWebhookServer();
    await p.config.file(OBJECTS.rules).save(RULES, { resumable: false });
    await p.config.file(OBJECTS.tagCatalog).save(CATALOG, { resumable: false });
    // A second subscription on alerts, to see exactly what detect published.
    [watch] = await p.clients.pubsub.topic(p.names.topics.alerts).createSubscription(uniqueName('alerts-watch'), { enableMessageOrdering: true });
    watch.on('message', (m: Message) => {
      alerts.push(m);
      m.ack();
    });
    fns = await startLocalFunctions({
      clients: p.clients,
      names: p.names,
      webhookUrl: hook.url,
      webhookFormat: 'google-chat',
      notifyThrottleSeconds: 300,
      alarmEmails: ['control-room@example.com'],
      // Short backoff, so the retry test takes milliseconds; the shape is the production one.
      webhookRetry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2000, totalMs: 10_000 },
      logSink: logs.sink,
      delivery: { log: () => {} },
    });
    readings = p.clients.pubsub.topic(p.names.topics.readings);
  });
  afterAll(async () => {
    await watch?.close();
    await fns?.stop();
    await hook?.close();
  });

  const t0 = Date.now() - 20 * 60_000;
  const at = (minute: number) => new Date(t0 + minute * 60_000).toISOString();
  let n = 0;
  /** Waits until notify has answered every alert detect published so far, so its webhook calls are all in. */
  const notifyCaughtUp = () =>
    waitFor('notify to handle every alert', async () => fns.deliveries.notify!.stats.delivered >= new Set(alerts.map((m) => m.id)).size);
  /** Publishes one batch and waits until detect has evaluated it (a gateway sends a batch every few seconds). */
  async function send(minute: number, value: number): Promise<void> {
    const id = await readings.publishMessage({ data: json(batch(`e2e-${++n}`, SITE, [{ tag: TAG, ts: at(minute), value, quality: 'good' }])) });
    await waitFor(`detect on ${id}`, async () => logs.lines.find((l) => l.event === 'detect.batch' && l.messageId === id));
  }

  it('raises one active and one cleared per excursion, and the webhook gets one message per transition', async () => {
    await send(0, 170);
    await send(1, 185); // above H: active
    await send(2, 186); // still above: nothing new
    await send(3, 179); // inside the deadband (178..180): still active
    await send(4, 175); // below H − deadband: cleared

    await waitFor('2 alerts', async () => alerts.length >= 2);
    await waitFor('2 webhook messages', async () => hook.received.length >= 2);
    const events = alerts.map((m) => JSON.parse(m.data.toString()) as Record<string, unknown>);
    expect(events.map((e) => [e.condition, e.transition, e.value, e.limit])).toEqual([
      ['H', 'active', 185, 180],
      ['H', 'cleared', 175, 180],
    ]);
    expect(alerts[0]!.orderingKey).toBe(`${SITE}/${TAG}`);
    expect(alerts[0]!.attributes).toMatchObject({ site: SITE, tag: TAG, condition: 'H', transition: 'active', priority: 'high' });

    const texts = hook.received.map((b) => (b as { text: string }).text);
    expect(texts[0]).toContain('*HIGH · H active · 10LAB10CP001 Feedwater pump A discharge pressure*');
    expect(texts[0]).toContain('185 bar is above the H limit of 180 bar');
    expect(texts[0]).toContain('Plant area: boiler house');
    expect(texts[1]).toContain('H cleared');

    // The e-mail path: one structured entry per notification.
    const mails = logs.where('event', 'alarm.notification');
    expect(mails.map((m) => [m.transition, m.severity])).toEqual([
      ['active', 'ERROR'],
      ['cleared', 'NOTICE'],
    ]);
    expect(mails[0]).toMatchObject({ site: SITE, tag: TAG, description: 'Feedwater pump A discharge pressure', recipients: ['control-room@example.com'] });

    // The raw zone holds the same events, as alarm_events rows.
    const objects = await objectNames(p.raw, OBJECTS.alarmEventsPrefix);
    expect(objects).toHaveLength(2);
    const rows = (await Promise.all(objects.map((o) => readGzipNdjson<Record<string, unknown>>(p.raw, o)))).flat();
    expect(rows.map((r) => r.event_id).sort()).toEqual(events.map((e) => e.eventId).sort());
    expect(await objectNames(p.raw, 'state/alarms/outbox/')).toEqual([]);
  });

  it('holds back a repeated activation within the throttle window; its cleared still goes out', async () => {
    await send(5, 190); // active again, within 300 s of the last notified active
    await send(6, 170); // cleared
    await waitFor('4 alerts', async () => alerts.length >= 4);
    await waitFor('3 webhook messages', async () => hook.received.length >= 3);
    await notifyCaughtUp();
    await new Promise((r) => setTimeout(r, 300)); // nothing more arrives
    expect(alerts).toHaveLength(4);
    expect(hook.received).toHaveLength(3);
    const last = (hook.received[2] as { text: string }).text;
    expect(last).toContain('H cleared');
    expect(last).toContain('Throttled: 1 earlier activation(s) of this alarm were not notified');
    expect(logs.where('event', 'notify.throttled')).toHaveLength(1);
  });

  it('retries the webhook on 429 and 5xx with backoff, and sends once', async () => {
    hook.failNext(429, 503);
    const before = hook.received.length;
    await send(7, 10); // below L: active (another condition, not throttled)
    await waitFor('the webhook message after two refusals', async () => hook.received.length > before);
    expect(hook.requests.slice(-3).map((r) => r.status)).toEqual([429, 503, 200]);
    // notify logs its send only after the webhook answered, so the entry of this alarm (not the
    // last one, which may still be an earlier alarm's) is waited for.
    const sent = await waitFor('the notify.webhook entry of the L activation', async () => {
      const entries = logs.where('event', 'notify.webhook').filter((l) => l.condition === 'L' && l.transition === 'active');
      return entries.length > 0 ? entries : undefined;
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ site: SITE, tag: TAG, attempts: 3, status: 200 });
    expect(hook.received).toHaveLength(before + 1);
  });

  it('tells a late excursion once, as past, and records its clearing without paging', async () => {
    const before = hook.received.length;
    const id = await readings.publishMessage({ data: json(batch(`e2e-late`, SITE, [{ tag: TAG, ts: at(6.5), value: 250, quality: 'good' }])) });
    await waitFor(`detect on ${id}`, async () => logs.lines.find((l) => l.event === 'detect.batch' && l.messageId === id));
    await waitFor('the late activation on the webhook', async () => hook.received.length > before);
    await waitFor('the late clearing recorded', async () => logs.where('event', 'notify.late-cleared').length === 1);
    const text = (hook.received.at(-1) as { text: string }).text;
    // Within the throttle window of the H alarm at minute 5, yet told: late activations are not held back.
    expect(text).toContain('*LATE · HIGH · H active');
    expect(text).toMatch(/happened at .* UTC, reported \d+ min later \(found in late data/);
    // The watching subscription gets the alerts on its own, independently of notify's.
    const lateAlerts = () => alerts.map((m) => JSON.parse(m.data.toString()) as Record<string, unknown>).filter((e) => e.late === true);
    const late = await waitFor('both late alerts on the watching subscription', async () => lateAlerts().length >= 2 && lateAlerts());
    await notifyCaughtUp();
    await new Promise((r) => setTimeout(r, 300));
    expect(hook.received).toHaveLength(before + 1);
    expect(late.map((e) => [e.condition, e.transition, e.readingTs])).toEqual([
      ['H', 'active', at(6.5)],
      ['H', 'cleared', at(7)],
    ]);
  });
});
