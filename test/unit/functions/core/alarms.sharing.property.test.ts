// The engine's speed-ups hold to straightforward references (fast-check): structural sharing
// between successive states, the cached state index, the settled-state skip and copy-on-write of
// a tag's conditions give exactly the events and serialised states of a chain in which every
// state is reloaded from its JSON (nothing shared, nothing cached), and evaluate never changes a
// state it was given. stepCondition is held to the in-place version it replaced.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Condition, Transition } from '../../../../schemas/alarm-event.ts';
import type { ConditionState, TagState } from '../../../../schemas/alarm-state.ts';
import { stepCondition } from '../../../../functions/core/condition-step.ts';
import { deserializeState, emptyState, evaluate, serializeState, type AlarmEvent, type AlarmState, type Reading } from '../../../../functions/core/index.ts';
import { batch, rules, T0 } from './helpers.ts';

const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 150) };
const TAGS = ['10LAB10CP001', '10LAB10CT002', '10LAB20CF003', '10LAC10CL004', '10MKA10CP005'];
const CONDITIONS: Condition[] = ['HH', 'H', 'L', 'LL', 'ROC', 'STALE', 'BAD_QUALITY', 'STAT'];

// Random rule sets: limits, deadband, delays, ROC, STAT, STALE and every badQuality mode, on a
// prefix or exact tags, so tags move between rules (and lose conditions) when the rules change.
const ruleSet = fc
  .record({
    version: fc.constantFrom('r1', 'r2', 'r3'),
    deadband: fc.integer({ min: 0, max: 3 }),
    onDelay: fc.integer({ min: 0, max: 3 }),
    offDelay: fc.integer({ min: 0, max: 3 }),
    badQuality: fc.constantFrom('ignore', 'alarm', 'hold'),
    H: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    L: fc.option(fc.integer({ min: -20, max: -1 }), { nil: undefined }),
    roc: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
    stat: fc.boolean(),
    stale: fc.option(fc.integer({ min: 5, max: 30 }), { nil: undefined }),
    exact: fc.subarray(TAGS, { maxLength: 2 }),
  })
  .map((r) => {
    const limits = { ...(r.H === undefined ? {} : { H: r.H, HH: r.H + 15 }), ...(r.L === undefined ? {} : { L: r.L, LL: r.L - 15 }) };
    return rules({
      version: r.version,
      defaults: { deadband: r.deadband, onDelay: r.onDelay, offDelay: r.offDelay, badQuality: r.badQuality },
      rules: [
        {
          prefix: '10LA',
          ...(Object.keys(limits).length > 0 ? { limits } : {}),
          ...(r.roc === undefined ? {} : { maxRateOfChange: r.roc }),
          ...(r.stat ? { stat: { warmup: 3, k: 2, alpha: 0.3 } } : {}),
          ...(r.stale === undefined ? {} : { staleTimeout: r.stale }),
        },
        ...r.exact.map((tag) => ({ tag, limits: { H: 5 }, badQuality: 'alarm' })),
      ],
    });
  });

type R = Partial<Reading> & { t: number };
const reading: fc.Arbitrary<R> = fc
  .record({
    tag: fc.constantFrom(...TAGS),
    second: fc.integer({ min: 0, max: 120 }),
    value: fc.double({ min: -60, max: 60, noNaN: true, noDefaultInfinity: true }),
    quality: fc.constantFrom('good', 'good', 'good', 'uncertain', 'bad'),
    nullWhenBad: fc.boolean(),
  })
  .map(({ tag, second, value, quality, nullWhenBad }) => ({ tag, t: T0 + second * 1000, value: quality === 'bad' && nullWhenBad ? null : value, quality }));

// A step of a chain: a batch (readings in any order, late ones included, or a redelivery of an
// earlier batch) or a timer's STALE check, under one of two rule sets.
const step = fc.record({
  kind: fc.constantFrom('batch', 'batch', 'batch', 'again', 'timer'),
  readings: fc.array(reading, { minLength: 1, maxLength: 25 }),
  rules: fc.nat({ max: 1 }),
  nowSecond: fc.integer({ min: 100, max: 200 }),
});
const chain = fc.record({ rules: fc.tuple(ruleSet, ruleSet), steps: fc.array(step, { minLength: 1, maxLength: 8 }) });
type Chain = typeof chain extends fc.Arbitrary<infer C> ? C : never;

interface Outcome {
  events: AlarmEvent[][];
  states: string[];
}

/** Runs the chain; `reload` feeds each call a state read back from its JSON instead of the state object itself. */
function runChain({ rules: sets, steps }: Chain, reload: boolean): Outcome & { objects: AlarmState[] } {
  let state = emptyState();
  const out: Outcome & { objects: AlarmState[] } = { events: [], states: [], objects: [] };
  const sent: ReturnType<typeof batch>[] = [];
  steps.forEach((s, k) => {
    const input = s.kind === 'timer' ? null : s.kind === 'again' && sent.length > 0 ? sent[k % sent.length]! : batch(s.readings, `b-${k}`);
    if (input !== null) sent.push(input);
    let given = state;
    if (reload) {
      const loaded = deserializeState(serializeState(state));
      if (!loaded.ok) throw new Error(loaded.reason);
      given = loaded.state;
    }
    const result = evaluate(given, input, sets[s.rules]!, new Date(T0 + s.nowSecond * 1000));
    out.events.push(result.events);
    out.states.push(serializeState(result.state));
    out.objects.push(result.state);
    state = result.state;
  });
  return out;
}

/** stepCondition as it was before copy-on-write: it changed the conditions object in place. */
function inPlaceStep(
  conditions: TagState['conditions'],
  condition: Condition,
  present: boolean,
  gone: boolean,
  t: number,
  onDelayMs: number,
  offDelayMs: number,
): Transition | null {
  const ACTIVE: ConditionState = { active: true, since: null };
  const current = conditions[condition];
  if (current === undefined || !current.active) {
    if (!present) {
      if (current !== undefined) delete conditions[condition];
      return null;
    }
    const since = current?.since ?? t;
    if (t - since >= onDelayMs) {
      conditions[condition] = ACTIVE;
      return 'active';
    }
    if (current === undefined) conditions[condition] = { active: false, since: t };
    return null;
  }
  if (!gone) {
    if (current.since !== null) conditions[condition] = ACTIVE;
    return null;
  }
  const since = current.since ?? t;
  if (t - since >= offDelayMs) {
    delete conditions[condition];
    return 'cleared';
  }
  if (current.since === null) conditions[condition] = { active: true, since: t };
  return null;
}

describe('alarm engine against its references', () => {
  it('a chain of shared states gives the same events and serialised states as a chain reloaded from JSON at every step', () => {
    fc.assert(
      fc.property(chain, (c) => {
        const shared = runChain(c, false);
        const reloaded = runChain(c, true);
        expect(shared.events).toEqual(reloaded.events);
        expect(shared.states).toEqual(reloaded.states);
      }),
      RUNS,
    );
  });

  it('evaluate changes no state it was given, nor any earlier one', () => {
    fc.assert(
      fc.property(chain, (c) => {
        const { states, objects } = runChain(c, false);
        // Each state as written when it was made, against the same object after every later call.
        expect(objects.map(serializeState)).toEqual(states);
      }),
      RUNS,
    );
  });

  it('stepCondition gives the transitions and conditions (with their key order) of the in-place version, and never changes the object it replaces', () => {
    const move = fc.record({
      condition: fc.constantFrom(...CONDITIONS),
      present: fc.boolean(),
      gone: fc.boolean(),
      dt: fc.integer({ min: 1, max: 3000 }),
    });
    fc.assert(
      fc.property(fc.array(move, { maxLength: 60 }), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 0, max: 4000 }), (moves, onDelayMs, offDelayMs) => {
        const state: TagState = { tag: TAGS[0]!, ts: T0, lastGood: null, lastGoodTs: null, conditions: {}, stat: null };
        const reference: TagState['conditions'] = {};
        let t = T0;
        for (const m of moves) {
          t += m.dt;
          const gone = m.gone && !m.present; // the engine's hysteresis never says both
          const before = state.conditions;
          const frozen = JSON.stringify(before);
          const got = stepCondition(state, m.condition, m.present, gone, t, onDelayMs, offDelayMs);
          expect(got).toBe(inPlaceStep(reference, m.condition, m.present, gone, t, onDelayMs, offDelayMs));
          expect(JSON.stringify(state.conditions)).toBe(JSON.stringify(reference));
          expect(JSON.stringify(before)).toBe(frozen);
        }
      }),
      RUNS,
    );
  });
});
