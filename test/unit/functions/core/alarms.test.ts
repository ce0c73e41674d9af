import { describe, expect, it } from 'vitest';
import { emptyState, eventId, evaluate } from '../../../../functions/core/index.ts';
import { batch, brief, iso, rules, runAll, series, T0, TAG } from './helpers.ts';

const limitRules = (extra: object = {}) =>
  rules({
    version: 'r1',
    rules: [{ tag: TAG, limits: { HH: 20, H: 10, L: 2, LL: 1 }, deadband: 1, priority: 'high', priorities: { HH: 'critical' }, ...extra }],
  });

describe('alarm engine: limits, deadband, delays', () => {
  it('raises one event per excursion with everything an operator needs', () => {
    const now = new Date(T0 + 60_000);
    const { events } = runAll([batch(series([5, 11, 12, 9.5, 8.9, 5]))], limitRules(), now);
    expect(brief(events)).toEqual(['H active @1', 'H cleared @4']);
    expect(events[0]).toEqual({
      eventId: eventId('REF-01', TAG, 'H', 'active', iso(T0 + 1000), 'r1'),
      site: 'REF-01',
      tag: TAG,
      condition: 'H',
      transition: 'active',
      value: 11,
      limit: 10,
      priority: 'high',
      readingTs: iso(T0 + 1000),
      detectedAt: now.toISOString(),
      rulesVersion: 'r1',
    });
    expect(events[0]!.eventId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('raises H and HH separately, and L and LL (ISA-18.2: separate alarms)', () => {
    const { events } = runAll([batch(series([5, 25, 5, 0.5, 5]))], limitRules());
    expect(brief(events)).toEqual([
      'HH active @1',
      'H active @1',
      'HH cleared @2',
      'H cleared @2',
      'L active @3',
      'LL active @3',
      'L cleared @4',
      'LL cleared @4',
    ]);
    expect(events[0]!.priority).toBe('critical');
  });

  it('does not chatter inside the deadband', () => {
    const { events } = runAll([batch(series([9, 10.5, 9.6, 10.2, 9.1, 10.9, 9.5, 8.9]))], limitRules());
    expect(brief(events)).toEqual(['H active @1', 'H cleared @7']);
  });

  it('swallows a spike shorter than the on-delay', () => {
    const { events } = runAll([batch(series([5, 11, 5, 11, 11, 11, 5]))], limitRules({ onDelay: 2 }));
    expect(brief(events)).toEqual(['H active @5', 'H cleared @6']);
  });

  it('holds the clear for the off-delay', () => {
    const { events } = runAll([batch(series([11, 5, 11, 5, 5, 5, 5]))], limitRules({ offDelay: 2 }));
    expect(brief(events)).toEqual(['H active @0', 'H cleared @5']);
  });
});

describe('alarm engine: event time, late data, replays', () => {
  it('orders a batch by reading time', () => {
    const sorted = series([5, 11, 12, 5]);
    const shuffled = [sorted[2]!, sorted[0]!, sorted[3]!, sorted[1]!];
    expect(runAll([batch(shuffled)], limitRules()).events).toEqual(runAll([batch(sorted)], limitRules()).events);
  });

  it('counts a repeated time once, the same whatever the order: the highest value wins', () => {
    const a = runAll(
      [
        batch([
          { t: T0, value: 5 },
          { t: T0 + 1000, value: 11 },
          { t: T0 + 1000, value: 5 },
        ]),
      ],
      limitRules(),
    );
    const b = runAll(
      [
        batch([
          { t: T0 + 1000, value: 5 },
          { t: T0, value: 5 },
          { t: T0 + 1000, value: 11 },
        ]),
      ],
      limitRules(),
    );
    expect(brief(a.events)).toEqual(['H active @1']); // 11 beats 5 at 1 s, as in the daily load's dedupe
    expect(a.events[0]!.value).toBe(11);
    expect(b).toEqual(a);
  });

  it('judges late readings without touching the live state: excursions become late events', () => {
    const first = batch(series([5, 11, 12]), 'b-1');
    const late = batch(
      [
        { t: T0 + 500, value: 100 },
        { t: T0 + 1500, value: 0 },
      ],
      'b-2',
    );
    const { events, state } = runAll([first, late], limitRules());
    // H is active live, so the late H is covered; HH, L and LL were missed live and are recorded,
    // each closed at the first late reading back inside or else at the tag's watermark (2 s).
    expect(brief(events)).toEqual(['H active @1', 'HH active @0.5', 'HH cleared @1.5', 'L active @1.5', 'LL active @1.5', 'L cleared @2', 'LL cleared @2']);
    expect(events.map((e) => e.late === true)).toEqual([false, true, true, true, true, true, true]);
    expect(state.tags[0]!.ts).toBe(T0 + 2000);
    expect(state.tags[0]!.conditions).toEqual({ H: { active: true, since: null } });
  });

  it('same tag, two batches, reversed: the excursion is in history either way, with the same ids', () => {
    const compiled = rules({ version: 'r1', rules: [{ tag: TAG, limits: { H: 100 }, priority: 'high' }] });
    const b1 = batch([{ t: T0, value: 150 }], 'B1');
    const b2 = batch([{ t: T0 + 5000, value: 50 }], 'B2');
    const inOrder = runAll([b1, b2], compiled);
    const reversed = runAll([b2, b1], compiled);
    expect(brief(inOrder.events)).toEqual(['H active @0', 'H cleared @5']);
    expect(brief(reversed.events)).toEqual(['H active @0', 'H cleared @5']);
    expect(reversed.events.every((e) => e.late === true)).toBe(true);
    expect(reversed.events.map((e) => e.eventId)).toEqual(inOrder.events.map((e) => e.eventId));
    // B1 replayed again (dead-letter replay): remembered, so nothing is judged twice.
    expect(reversed.state.recentBatches).toEqual(['B2', 'B1']);
    const again = evaluate(reversed.state, b1, compiled, new Date(T0 + 60_000));
    expect(again.events).toEqual([]);
    expect(again.state).toBe(reversed.state);
    // Forgotten (more than RECENT_BATCHES later): judged again, with the same ids, which notify and BigQuery dedupe.
    const forgotten = evaluate({ ...reversed.state, recentBatches: [] }, b1, compiled, new Date(T0 + 60_000));
    expect(forgotten.events.map((e) => e.eventId)).toEqual(reversed.events.map((e) => e.eventId));
  });

  it('does not judge a redelivered batch again as late data', () => {
    const b1 = batch(series([5, 25, 5]), 'b-1');
    const b2 = batch(
      series([5, 5]).map((r) => ({ ...r, t: r.t + 10_000 })),
      'b-2',
    );
    const { events, state } = runAll([b1, b2, b1], limitRules());
    expect(brief(events)).toEqual(['HH active @1', 'H active @1', 'HH cleared @2', 'H cleared @2']);
    expect(state.recentBatches).toEqual(['b-1', 'b-2']);
  });

  it('keeps watermarks at the receive time: a forged future batch cannot blind a tag', () => {
    const now = new Date(T0 + 60_000);
    const forged = batch([{ t: T0 + 60_000 + 240_000, value: 5 }], 'forged');
    const afterForged = evaluate(emptyState(), forged, limitRules(), now);
    expect(afterForged.state.tags[0]!.ts).toBe(now.getTime());
    expect(afterForged.state.watermark).toBe(now.getTime());
    const genuine = batch([{ t: T0 + 61_000, value: 11 }], 'genuine');
    const next = evaluate(afterForged.state, genuine, limitRules(), new Date(T0 + 62_000));
    expect(brief(next.events)).toEqual(['H active @61']);
    expect(next.events[0]!.late).toBeUndefined();
  });

  it('changes nothing when a batch is seen twice', () => {
    const b = batch(series([5, 11, 12]));
    const once = evaluate(emptyState(), b, limitRules(), new Date(T0 + 10_000));
    const twice = evaluate(once.state, b, limitRules(), new Date(T0 + 10_000));
    expect(twice.events).toEqual([]);
    expect(twice.state).toEqual(once.state);
  });

  it('never mutates the previous state', () => {
    const compiled = limitRules();
    const one = runAll([batch(series([5, 11]))], compiled).state;
    const frozen = JSON.stringify(one);
    evaluate(one, batch(series([5, 11, 5, 0.5]).map((r) => ({ ...r, t: r.t + 10_000 }))), compiled, new Date(T0 + 60_000));
    expect(JSON.stringify(one)).toBe(frozen);
  });

  it('refuses a state of another site', () => {
    const state = runAll([batch(series([5]))], limitRules()).state;
    expect(() => evaluate(state, batch(series([5]), 'b-9', 'REF-02'), limitRules(), new Date(T0))).toThrow(
      'the alarm state is for site REF-01 but the batch is from site REF-02; load the state of site REF-02',
    );
  });
});

describe('alarm engine: rate of change, stale, quality, statistics', () => {
  it('raises ROC on a jump faster than maxRateOfChange (units per second)', () => {
    const compiled = rules({ version: 'r', rules: [{ tag: TAG, maxRateOfChange: 2 }] });
    const { events } = runAll([batch(series([5, 6, 10, 11, 11]))], compiled);
    expect(brief(events)).toEqual(['ROC active @2', 'ROC cleared @3']);
    expect(events[0]).toMatchObject({ value: 10, limit: 2 });
  });

  it('raises STALE against now, clears it on fresh data, and checks it without a batch', () => {
    const compiled = rules({ version: 'r', rules: [{ tag: TAG, staleTimeout: 60 }] });
    const first = evaluate(emptyState(), batch(series([5])), compiled, new Date(T0 + 30_000));
    expect(first.events).toEqual([]);
    const tick = evaluate(first.state, null, compiled, new Date(T0 + 61_000));
    expect(brief(tick.events)).toEqual(['STALE active @0']);
    expect(tick.events[0]).toMatchObject({ limit: 60, value: 5 });
    expect(evaluate(tick.state, null, compiled, new Date(T0 + 90_000)).events).toEqual([]);
    const fresh = evaluate(tick.state, batch([{ t: T0 + 100_000, value: 6 }], 'b-2'), compiled, new Date(T0 + 101_000));
    expect(brief(fresh.events)).toEqual(['STALE cleared @100']);
  });

  it('with a batch, judges STALE in event time: against the site watermark, not the wall clock', () => {
    const OTHER = '10LAB10CT001';
    const compiled = rules({ version: 'r', rules: [{ tag: TAG, staleTimeout: 60 }] });
    const muchLater = new Date(T0 + 30 * 86_400_000); // a replay, a month after the readings
    const first = evaluate(
      emptyState(),
      batch([
        { t: T0, value: 5 },
        { tag: OTHER, t: T0, value: 1 },
      ]),
      compiled,
      muchLater,
    );
    expect(first.events).toEqual([]);
    // The tag falls silent while another tag of the site (with no rule) keeps reporting.
    const silent = evaluate(first.state, batch([{ tag: OTHER, t: T0 + 61_000, value: 1 }], 'b-2'), compiled, muchLater);
    expect(brief(silent.events)).toEqual(['STALE active @0']);
    // A late batch of old readings moves no watermark back, so it clears nothing.
    const late = evaluate(silent.state, batch([{ tag: OTHER, t: T0 + 1000, value: 1 }], 'b-3'), compiled, muchLater);
    expect(late.events).toEqual([]);
    const back = evaluate(late.state, batch([{ t: T0 + 70_000, value: 6 }], 'b-4'), compiled, muchLater);
    expect(brief(back.events)).toEqual(['STALE cleared @70']);
  });

  it('badQuality alarm: raises BAD_QUALITY and leaves limits as they were', () => {
    const compiled = limitRules({ badQuality: 'alarm' });
    const { events } = runAll(
      [
        batch([
          { t: T0, value: 11 },
          { t: T0 + 1000, value: null, quality: 'bad' },
          { t: T0 + 2000, value: 11, quality: 'uncertain' },
        ]),
      ],
      compiled,
    );
    expect(brief(events)).toEqual(['H active @0', 'BAD_QUALITY active @1', 'BAD_QUALITY cleared @2']);
  });

  it('badQuality ignore: bad readings do nothing; hold: the limits see the last good value', () => {
    const readings = [
      { t: T0, value: 11 },
      { t: T0 + 1000, value: null, quality: 'bad' as const },
      { t: T0 + 3000, value: null, quality: 'bad' as const },
    ];
    expect(brief(runAll([batch(readings)], limitRules({ onDelay: 2, badQuality: 'ignore' })).events)).toEqual([]);
    expect(brief(runAll([batch(readings)], limitRules({ onDelay: 2, badQuality: 'hold' })).events)).toEqual(['H active @3']);
  });

  it('STAT flags an outlier after warm-up and clears with hysteresis', () => {
    const compiled = rules({ version: 'r', rules: [{ tag: TAG, stat: { warmup: 20, k: 4, kClear: 2 } }] });
    const calm = Array.from({ length: 40 }, (_, i) => 50 + (i % 2 === 0 ? 1 : -1));
    const { events } = runAll([batch(series([...calm, 70, 69, 60, 51, 50]))], compiled);
    expect(brief(events)).toEqual(['STAT active @40', 'STAT cleared @43']);
    expect(events[0]!.limit).toBeCloseTo(54, 0); // mean 50 + 4 sigma (sigma 1)
  });
});

describe('alarm engine: rule changes', () => {
  it('clears a condition the rules no longer configure, at the watermark, and forgets a tag without a rule', () => {
    const active = runAll([batch(series([25]))], limitRules()).state;
    const noHH = rules({ version: 'r2', rules: [{ tag: TAG, limits: { H: 10 } }] });
    const changed = evaluate(active, null, noHH, new Date(T0 + 1000));
    expect(brief(changed.events)).toEqual(['HH cleared @0']);
    expect(changed.events[0]!.rulesVersion).toBe('r2');
    const none = rules({ version: 'r3', rules: [] });
    const gone = evaluate(changed.state, null, none, new Date(T0 + 2000));
    expect(gone.events.map((e) => `${e.condition} ${e.transition} ${e.priority}`)).toEqual(['H cleared low']);
    expect(gone.state.tags).toEqual([]);
  });

  it('clears such a condition each time the same state is evaluated, and not again in its successor', () => {
    const active = runAll([batch(series([25]))], limitRules()).state;
    const noHH = rules({ version: 'r2', rules: [{ tag: TAG, limits: { H: 10 } }] });
    const later = batch(
      series([26]).map((r) => ({ ...r, t: r.t + 1000 })),
      'b-2',
    );
    const first = evaluate(active, later, noHH, new Date(T0 + 2000));
    const again = evaluate(active, later, noHH, new Date(T0 + 2000)); // a retry of the same call: pure
    expect(brief(again.events)).toEqual(brief(first.events));
    expect(brief(first.events)).toContain('HH cleared @1'); // at the watermark, the new reading's time
    expect(again.state).toEqual(first.state);
    const next = evaluate(
      first.state,
      batch(
        series([27]).map((r) => ({ ...r, t: r.t + 2000 })),
        'b-3',
      ),
      noHH,
      new Date(T0 + 3000),
    );
    expect(brief(next.events)).toEqual([]);
    expect(next.state.tags[0]!.conditions.HH).toBeUndefined();
  });

  it('keeps no state for tags without a rule', () => {
    const { state, events } = runAll([batch(series([999], '10LBA10CT001'))], limitRules());
    expect(events).toEqual([]);
    expect(state.tags).toEqual([]);
  });
});
