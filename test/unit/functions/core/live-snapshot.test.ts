import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  deserializeSnapshot,
  emptySnapshot,
  emptyState,
  evaluate,
  mergeSnapshot,
  serializeSnapshot,
  type LiveSnapshot,
  type ReadingBatch,
} from '../../../../functions/core/index.ts';
import { batch, iso, rules, series, T0, TAG } from './helpers.ts';

const limitRules = rules({ version: 'r1', rules: [{ tag: TAG, limits: { H: 10 }, priority: 'high' }] });
const now = new Date(T0 + 86_400_000);

/** Batches through evaluate and the snapshot, as detect does. */
function run(batches: readonly ReadingBatch[], start: LiveSnapshot = emptySnapshot('REF-01')) {
  let state = emptyState();
  let snapshot = start;
  for (const b of batches) {
    const result = evaluate(state, b, limitRules, now);
    state = result.state;
    snapshot = mergeSnapshot(snapshot, b, { events: result.events, state, rules: limitRules, now });
  }
  return { snapshot, state };
}

describe('live snapshot', () => {
  it('keeps the latest value, quality, time and unit per tag', () => {
    const { snapshot } = run([
      batch([
        { t: T0, value: 1, unit: 'bar' },
        { t: T0 + 2000, value: 3 },
        { t: T0 + 1000, value: 2, quality: 'uncertain' },
      ]),
    ]);
    expect(snapshot.tags).toHaveLength(1);
    expect(snapshot.tags[0]).toMatchObject({ tag: TAG, value: 3, quality: 'good', ts: T0 + 2000, unit: 'bar' });
    expect(snapshot.watermark).toBe(T0 + 2000);
    expect(snapshot.updatedAt).toBe(now.getTime());
  });

  it('reduces the series to one bucket per minute: min, max, last', () => {
    const values = Array.from({ length: 180 }, (_, i) => (i % 7) - 3 + Math.floor(i / 60) * 100);
    const { snapshot } = run([batch(series(values))]);
    const buckets = snapshot.tags[0]!.series;
    expect(buckets.map((b) => b[0])).toEqual([T0, T0 + 60_000, T0 + 120_000]);
    const minute = (m: number) => values.slice(m * 60, m * 60 + 60);
    buckets.forEach((b, m) => {
      expect(b[1]).toBe(Math.min(...minute(m)));
      expect(b[2]).toBe(Math.max(...minute(m)));
      expect(b[3]).toBe(values[m * 60 + 59]);
    });
  });

  it('keeps only the window before the watermark and ignores bad values in the series', () => {
    const old = batch([{ t: T0, value: 1 }], 'b-old');
    const recent = batch(
      [
        { t: T0 + 7 * 3_600_000, value: 2 },
        { t: T0 + 7 * 3_600_000 + 1000, value: null, quality: 'bad' },
      ],
      'b-new',
    );
    const { snapshot } = run([old, recent]);
    expect(snapshot.tags[0]!.series.map((b) => b[0])).toEqual([T0 + 7 * 3_600_000]);
    expect(snapshot.tags[0]).toMatchObject({ value: null, quality: 'bad' });
  });

  it('shows an alarm while active, with priority and since when, and clears it', () => {
    const raised = run([batch(series([5, 11, 12]))]);
    expect(raised.snapshot.alarms).toEqual([{ tag: TAG, condition: 'H', active: true, priority: 'high', at: T0 + 1000, value: 11, limit: 10 }]);
    const cleared = run([batch(series([5, 11, 12])), batch([{ t: T0 + 5000, value: 4 }], 'b-2')]);
    expect(cleared.snapshot.alarms.filter((a) => a.active)).toEqual([]);
  });

  it('recovers an alarm whose event it missed from the committed state', () => {
    const b1 = batch(series([5, 11]));
    const result = evaluate({ version: 1, site: null, tags: [] }, b1, limitRules, now);
    // The snapshot write after the commit was lost; the next batch (no events) still shows it.
    const b2 = batch([{ t: T0 + 3000, value: 12 }], 'b-2');
    const second = evaluate(result.state, b2, limitRules, now);
    expect(second.events).toEqual([]);
    const snapshot = mergeSnapshot(emptySnapshot('REF-01'), b2, { events: [], state: second.state, rules: limitRules, now });
    expect(snapshot.alarms).toMatchObject([{ tag: TAG, condition: 'H', active: true, priority: 'high' }]);
  });

  it('takes alarms alone from a commit without readings (a STALE sweep), keeping the values', () => {
    const { snapshot, state } = run([batch(series([5, 11]))]);
    const cleared = { ...state, tags: state.tags.map((t) => ({ ...t, conditions: {} })) };
    const swept = mergeSnapshot(snapshot, null, { events: [], state: cleared, rules: limitRules, now });
    expect(swept.alarms.filter((a) => a.active)).toEqual([]);
    expect(swept.tags).toEqual(snapshot.tags);
    expect(swept.watermark).toBe(snapshot.watermark);
  });

  it('is the same whatever the order and however often batches arrive (replays, races)', () => {
    const batches = [0, 1, 2, 3].map((k) =>
      batch(
        series([k, k * 3 + 1, 14 - k]).map((r) => ({ ...r, t: r.t + k * 61_000 })),
        `b-${k}`,
      ),
    );
    const merged = (order: readonly ReadingBatch[]) =>
      order.reduce((s, b) => mergeSnapshot(s, b, { events: [], state: { version: 1, site: 'REF-01', tags: [] }, rules: null, now }), emptySnapshot('REF-01'));
    const reference = merged(batches);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 10 }).filter((xs) => new Set(xs).size === 4),
        (order) => {
          expect(merged(order.map((i) => batches[i]!))).toEqual(reference);
        },
      ),
    );
  });

  it('round-trips, and refuses a damaged or foreign snapshot with what to do', () => {
    const { snapshot } = run([batch(series([5, 11]))]);
    expect(deserializeSnapshot(serializeSnapshot(snapshot), 'REF-01')).toEqual({ ok: true, snapshot });
    const notJson = deserializeSnapshot('{', 'REF-01');
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) expect(notJson.reason).toMatch(/not JSON.*delete it/);
    const other = deserializeSnapshot(serializeSnapshot(snapshot), 'WELL-01');
    if (other.ok) throw new Error('accepted another site');
    expect(other.reason).toContain('expected WELL-01');
    expect(iso(T0)).toBe('2024-05-01T00:00:00.000Z');
  });
});
