// What people read: the alarm text, each chat format's payload shape, and the e-mail log entry.
import { describe, expect, it } from 'vitest';
import { parseTagCatalog, type AlarmEvent } from '../../../../functions/core/index.ts';
import { alarmText } from '../../../../functions/notify/alarm-text.ts';
import { notificationEntry } from '../../../../functions/notify/notification-log.ts';
import { webhookPayload } from '../../../../functions/notify/webhook-payload.ts';

const catalog = parseTagCatalog(`
tags:
  - tag: 10LAB10CP001
    site: PWR-01
    description: Feedwater pump A discharge pressure
    unit: bar
    area: boiler house
    equipment: feed pump A
    legacyName: FW-PT-101
`);
if (!catalog.ok) throw new Error(catalog.reason);
const entry = catalog.catalog.get('PWR-01', '10LAB10CP001');

const active: AlarmEvent = {
  eventId: '0123456789abcdef0123456789abcdef',
  site: 'PWR-01',
  tag: '10LAB10CP001',
  condition: 'HH',
  transition: 'active',
  value: 212.34567,
  limit: 210,
  priority: 'critical',
  readingTs: '2024-05-01T12:00:00.000Z',
  detectedAt: '2024-05-01T12:00:02.500Z',
  rulesVersion: '7',
};

describe('alarm text', () => {
  it('says what, where, how far off and when, with the catalog description and unit', () => {
    const t = alarmText(active, { entry, environment: 'prod', throttledBefore: 0 });
    expect(t.title).toBe('CRITICAL · HH active · 10LAB10CP001 Feedwater pump A discharge pressure');
    expect(t.summary).toBe('212.346 bar is above the HH limit of 210 bar');
    expect(t.facts).toContainEqual({ name: 'Plant area', value: 'boiler house' });
    expect(t.facts).toContainEqual({ name: 'Tag', value: '10LAB10CP001 (FW-PT-101)' });
    expect(t.facts).toContainEqual({ name: 'Reading time', value: '2024-05-01 12:00:00 UTC' });
    expect(t.text.split('\n')[0]).toBe(t.title);
  });

  it('reads sensibly for every condition, without a catalog entry', () => {
    const say = (e: Partial<AlarmEvent>) => alarmText({ ...active, ...e }, { entry: undefined, environment: 'dev', throttledBefore: 0 }).summary;
    expect(say({ condition: 'L', value: 3, limit: 5 })).toBe('3 is below the L limit of 5');
    expect(say({ condition: 'H', transition: 'cleared', value: 170, limit: 180 })).toBe('back to normal: 170, H limit 180');
    expect(say({ condition: 'ROC', value: 50, limit: 2.5 })).toBe('changing faster than 2.5/s (now 50)');
    expect(say({ condition: 'STALE', value: 12, limit: 300 })).toBe('no reading for more than 300 s (last value 12)');
    expect(say({ condition: 'BAD_QUALITY', value: null, limit: null })).toBe('the signal reports quality "bad" (OPC UA): no usable value');
    expect(say({ condition: 'STAT', value: 99, limit: 80.5 })).toBe('99 is outside its usual range (band edge 80.5)');
  });
});

describe('webhook payloads', () => {
  const t = alarmText(active, { entry, environment: 'prod', throttledBefore: 2 });

  it('google-chat: {text} with a bold title', () => {
    const p = webhookPayload('google-chat', t) as { text: string };
    expect(Object.keys(p)).toEqual(['text']);
    expect(p.text.startsWith(`*${t.title}*\n${t.summary}\n`)).toBe(true);
    expect(p.text).toContain('Throttled: 2 earlier activation(s)');
  });

  it('slack: fallback text and blocks within Slack limits', () => {
    const p = webhookPayload('slack', t) as { text: string; blocks: { type: string; fields?: unknown[]; text?: { text: string } }[] };
    expect(p.text).toBe(`${t.title}: ${t.summary}`);
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: t.title } });
    for (const b of p.blocks.filter((b) => b.fields)) expect(b.fields!.length).toBeLessThanOrEqual(10);
    expect(p.blocks.flatMap((b) => b.fields ?? [])).toHaveLength(t.facts.length);
  });

  it('teams: an Adaptive Card message, as Teams Workflows webhooks take it', () => {
    const p = webhookPayload('teams', t) as {
      type: string;
      attachments: { contentType: string; content: { type: string; body: { type: string; facts?: unknown[] }[] } }[];
    };
    expect(p.type).toBe('message');
    expect(p.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(p.attachments[0]!.content.type).toBe('AdaptiveCard');
    expect(p.attachments[0]!.content.body.find((b) => b.type === 'FactSet')!.facts).toHaveLength(t.facts.length);
  });
});

describe('e-mail log entry', () => {
  it('carries the alarm in flat jsonPayload fields, severity by priority; a cleared is NOTICE', () => {
    const t = alarmText(active, { entry, environment: 'prod', throttledBefore: 0 });
    const e = notificationEntry(active, t, { entry, environment: 'prod', recipients: ['ops@example.com'], throttledBefore: 0 });
    expect(e.severity).toBe('CRITICAL');
    expect(e.message).toBe(t.text);
    expect(e.fields).toMatchObject({
      event: 'alarm.notification',
      eventId: active.eventId,
      site: 'PWR-01',
      tag: '10LAB10CP001',
      condition: 'HH',
      transition: 'active',
      priority: 'critical',
      value: 212.34567,
      limit: 210,
      unit: 'bar',
      description: 'Feedwater pump A discharge pressure',
      area: 'boiler house',
      recipients: ['ops@example.com'],
    });
    const sev = (priority: AlarmEvent['priority'], transition: AlarmEvent['transition'] = 'active') =>
      notificationEntry({ ...active, priority, transition }, t, { entry: undefined, environment: 'x', recipients: [], throttledBefore: 0 }).severity;
    expect([sev('high'), sev('medium'), sev('low'), sev('critical', 'cleared')]).toEqual(['ERROR', 'WARNING', 'NOTICE', 'NOTICE']);
  });
});
