// notify across instances: two notify handlers (as two Cloud Run instances, each with its own
// memory) share the raw bucket on the Storage emulator. A racing duplicate `active` is never
// notified after its `cleared`; an event already sent by one instance is not sent by the other;
// while one instance is still sending the `active`, the other holds the `cleared` back until
// Pub/Sub redelivers it, so the chat sees them in order.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../functions/adapters/log.ts';
import type { AlarmEvent } from '../../../../functions/core/index.ts';
import { ledgerObjectName, NotifyWaitError } from '../../../../functions/notify/sent-ledger.ts';
import { createNotify, type NotifyHandler } from '../../../../functions/notify/notify.ts';
import { json, logCapture, messagePublished, testPipeline, waitFor, type TestPipeline } from '../support.ts';

describe('notify dedupe across instances', () => {
  let p: TestPipeline;
  let server: Server;
  let url: string;
  const received: { text: string }[] = [];
  let holdNext: Promise<void> | undefined;
  const logs = logCapture();

  beforeAll(async () => {
    p = await testPipeline('notify-ledger');
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const hold = holdNext;
        holdNext = undefined;
        if (hold) await hold;
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  const instance = (): NotifyHandler =>
    createNotify({
      storage: p.clients.storage,
      settings: {
        rawBucket: p.names.buckets.raw,
        configBucket: p.names.buckets.config,
        webhookUrl: url,
        webhookFormat: 'slack',
        alarmEmails: [],
        notifyThrottleSeconds: 0,
        environment: 'test',
      },
      log: createLogger({ function: 'notify' }, logs.sink),
      catalogCheckEveryMs: 60_000,
      webhookRetry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, timeoutMs: 5_000, totalMs: 10_000 },
    });

  let seq = 0;
  const event = (tag: string, transition: AlarmEvent['transition'], minute: number): AlarmEvent => ({
    eventId: (++seq).toString(16).padStart(32, '0'),
    site: 'REF-01',
    tag,
    condition: 'HH',
    transition,
    value: transition === 'active' ? 99 : 80,
    limit: 95,
    priority: 'high',
    readingTs: new Date(Date.parse('2026-12-01T10:00:00Z') + minute * 60_000).toISOString(),
    detectedAt: new Date().toISOString(),
    rulesVersion: 'v1',
  });
  const deliver = (fn: NotifyHandler, e: AlarmEvent, copy = 0) => fn(messagePublished(json(e), { messageId: `${e.eventId}-${copy}` }));

  it('a racing duplicate active is not notified after its cleared, nor twice', async () => {
    const [a, b] = [instance(), instance()];
    const active = event('10LAB10CP001', 'active', 0);
    const cleared = event('10LAB10CP001', 'cleared', 5);
    await deliver(a, active);
    await deliver(b, cleared);
    // detect's outbox resends the active; it reaches instance b, which never saw it.
    await deliver(b, active, 1);
    // and instance a gets the cleared again (a Pub/Sub redelivery).
    await deliver(a, cleared, 1);
    expect(received.filter((r) => r.text.includes('10LAB10CP001'))).toHaveLength(2);
    expect(logs.where('event', 'notify.superseded').some((l) => l.eventId === active.eventId && l.messageId === `${active.eventId}-1`)).toBe(true);
    expect(logs.where('event', 'notify.duplicate').some((l) => l.eventId === cleared.eventId && l.messageId === `${cleared.eventId}-1`)).toBe(true);
    const [stored] = await p.raw.file(ledgerObjectName(cleared)).download();
    expect(JSON.parse(stored.toString('utf8'))).toMatchObject({ sent: { eventId: cleared.eventId, transition: 'cleared' } });
  });

  it('an active delivered only after its cleared went out is dropped as superseded', async () => {
    const [a, b] = [instance(), instance()];
    const active = event('10LAB10CP002', 'active', 0);
    const cleared = event('10LAB10CP002', 'cleared', 5);
    await deliver(a, cleared);
    await deliver(b, active);
    expect(received.filter((r) => r.text.includes('10LAB10CP002'))).toHaveLength(1);
    expect(logs.where('event', 'notify.superseded').some((l) => l.eventId === active.eventId && l.supersededBy === cleared.eventId)).toBe(true);
  });

  it('while one instance still sends the active, the other holds the cleared back until redelivery', async () => {
    const [a, b] = [instance(), instance()];
    const active = event('10LAB10CP003', 'active', 0);
    const cleared = event('10LAB10CP003', 'cleared', 5);
    let letGo!: () => void;
    holdNext = new Promise<void>((r) => (letGo = r));
    const sendingActive = deliver(a, active);
    // Wait until instance a has claimed the active (its webhook call is now held by the server).
    // (A fixed number of polls would go on unclaimed on a loaded machine and fail further down.)
    await waitFor('instance a to claim the active', async () => (await p.raw.file(ledgerObjectName(active)).exists())[0], 20_000, 50);
    const early = await deliver(b, cleared).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(NotifyWaitError);
    letGo();
    await sendingActive;
    // Pub/Sub redelivers the cleared: now it goes out, after the active.
    await deliver(b, cleared, 1);
    const texts = received.filter((r) => r.text.includes('10LAB10CP003')).map((r) => r.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).not.toBe(texts[1]);
    expect(
      logs
        .where('event', 'notify.webhook')
        .filter((l) => l.tag === '10LAB10CP003')
        .map((l) => l.transition),
    ).toEqual(['active', 'cleared']);
  });
});
