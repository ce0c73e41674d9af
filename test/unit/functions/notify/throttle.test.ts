import { describe, expect, it } from 'vitest';
import type { AlarmEvent } from '../../../../functions/core/index.ts';
import { createThrottle } from '../../../../functions/notify/throttle.ts';

const event = (id: string, transition: 'active' | 'cleared', condition: AlarmEvent['condition'] = 'H'): AlarmEvent => ({
  eventId: id.padEnd(32, '0'),
  site: 'S',
  tag: '10LAB10CP001',
  condition,
  transition,
  value: 1,
  limit: 0,
  priority: 'high',
  readingTs: '2024-05-01T12:00:00.000Z',
  detectedAt: '2024-05-01T12:00:01.000Z',
  rulesVersion: 'v1',
});

describe('notify throttle', () => {
  it('sends the first active, holds back repeats within the window, always sends a cleared', () => {
    const t = createThrottle({ windowMs: 60_000 });
    expect(t.decide(event('a1', 'active'), 0).decision).toBe('send');
    expect(t.decide(event('c1', 'cleared'), 1000).decision).toBe('send');
    expect(t.decide(event('a2', 'active'), 2000)).toEqual({ decision: 'throttled', throttledBefore: 1 });
    expect(t.decide(event('c2', 'cleared'), 3000)).toEqual({ decision: 'send', throttledBefore: 1 });
    // Another condition of the same tag is its own alarm.
    expect(t.decide(event('l1', 'active', 'L'), 4000).decision).toBe('send');
    // After the window the next active goes out again.
    expect(t.decide(event('a3', 'active'), 61_000)).toEqual({ decision: 'send', throttledBefore: 0 });
  });

  it('dedupes by eventId once sent, and keeps the first verdict for a redelivery not yet sent', () => {
    const t = createThrottle({ windowMs: 60_000 });
    const a = event('a1', 'active');
    expect(t.decide(a, 0).decision).toBe('send');
    // Redelivered before it was sent on every channel (the webhook failed): still "send", not throttled by itself.
    expect(t.decide(a, 10).decision).toBe('send');
    t.markSent(a.eventId);
    expect(t.decide(a, 20).decision).toBe('duplicate');
  });

  it('forgets the oldest entries beyond its bound', () => {
    const t = createThrottle({ windowMs: 0, remember: 2 });
    for (const id of ['x1', 'x2', 'x3']) t.markSent(id.padEnd(32, '0'));
    expect(t.decide(event('x1', 'active'), 0).decision).toBe('send');
    expect(t.decide(event('x3', 'active'), 0).decision).toBe('duplicate');
  });
});
