// Sharded alarm state: a stable tag → shard map, and evaluation per shard equal to one state.
import { describe, expect, it } from 'vitest';
import { checkShards, emptyState, evaluate, orderingKeyOf, shardOf, splitByShard, type AlarmEvent } from '../../../../functions/core/index.ts';
import { batch, rules, T0 } from './helpers.ts';

const tags = Array.from({ length: 400 }, (_, i) => `10LAB${String(10 + (i % 90)).padStart(2, '0')}CP${String(i % 1000).padStart(3, '0')}`);

describe('state shards', () => {
  it('maps a tag to the same shard whatever its spelling, spread over every shard', () => {
    expect(shardOf('10LAB10CP001', 16)).toBe(shardOf('=10 LAB10 CP001', 16));
    expect(shardOf('10LAB10CP001', 1)).toBe(0);
    const counts = new Array<number>(16).fill(0);
    for (const t of tags) counts[shardOf(t, 16)]!++;
    expect(counts.every((c) => c > 10)).toBe(true); // 400 tags: ~25 each
    expect(orderingKeyOf('REF-01', 3, 16)).toBe('REF-01/3');
    expect(orderingKeyOf('REF-01', 0, 1)).toBe('REF-01');
    expect(() => checkShards(0, 'X')).toThrow(/X must be a whole number from 1 to 256; got 0/);
  });

  it('gives the same alarm events in shards as in one state', () => {
    const compiled = rules({ version: 'r1', rules: [{ prefix: '10LAB', limits: { H: 10, L: 2 }, deadband: 1, priority: 'high' }] });
    const scans = Array.from({ length: 6 }, (_, k) =>
      batch(
        tags.map((tag, i) => ({ tag, t: T0 + k * 1000, value: (i + k) % 7 === 0 ? 12 : (i * k) % 11 === 0 ? 1 : 5 })),
        `scan-${k}`,
      ),
    );
    const now = new Date(T0 + 60_000);
    const whole: AlarmEvent[] = [];
    let one = emptyState();
    for (const b of scans) {
      const r = evaluate(one, b, compiled, now);
      one = r.state;
      whole.push(...r.events);
    }
    const states = new Map<number, ReturnType<typeof emptyState>>();
    const sharded: AlarmEvent[] = [];
    for (const b of scans) {
      const parts = splitByShard(b, 8);
      expect(parts.reduce((n, p) => n + p.batch.readings.length, 0)).toBe(b.readings.length);
      for (const { shard, batch: part } of parts) {
        expect(part.readings.every((r) => shardOf(r.tag, 8) === shard)).toBe(true);
        const r = evaluate(states.get(shard) ?? emptyState(), part, compiled, now);
        states.set(shard, r.state);
        sharded.push(...r.events);
      }
    }
    const ids = (events: AlarmEvent[]) => events.map((e) => e.eventId).sort();
    expect(whole.length).toBeGreaterThan(50);
    expect(ids(sharded)).toEqual(ids(whole));
    expect([...states.values()].reduce((n, s) => n + s.tags.length, 0)).toBe(one.tags.length);
  });
});
