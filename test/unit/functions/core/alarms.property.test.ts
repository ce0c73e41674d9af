// Properties of the alarm engine over random readings (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deserializeState, emptyState, evaluate, serializeState, type AlarmState, type Reading } from '../../../../functions/core/index.ts';
import { batch, rules, runAll, T0, TAG } from './helpers.ts';

const TAGS = [TAG, '10LAB10CT002', '10LAB20CF003'];
// FC_RUNS=5000 npx vitest run --project unit for a longer hunt.
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 150) };

const everyDetector = (stale: boolean) =>
  rules({
    version: 'p1',
    defaults: { deadband: 2, onDelay: 2, offDelay: 3, badQuality: 'alarm' },
    rules: [
      {
        prefix: '10LAB',
        limits: { HH: 30, H: 10, L: -10, LL: -30 },
        maxRateOfChange: 8,
        stat: { warmup: 5, k: 3, alpha: 0.2 },
        ...(stale ? { staleTimeout: 20 } : {}),
      },
    ],
  });

type R = Partial<Reading> & { t: number };
const reading: fc.Arbitrary<R> = fc
  .record({
    tag: fc.constantFrom(...TAGS),
    second: fc.integer({ min: 0, max: 90 }),
    value: fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true }),
    quality: fc.constantFrom('good', 'good', 'good', 'uncertain', 'bad'),
    nullWhenBad: fc.boolean(),
  })
  .map(({ tag, second, value, quality, nullWhenBad }) => ({
    tag,
    t: T0 + second * 1000,
    value: quality === 'bad' && nullWhenBad ? null : value,
    quality,
  }));
const readings = fc.array(reading, { minLength: 1, maxLength: 60 });
const now = new Date(T0 + 95_000);

describe('alarm engine properties', () => {
  it('a signal that stays within the deadband of a limit raises at most one alarm', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.array(fc.double({ min: 0.001, max: 0.999, noNaN: true }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        (deadband, positions, onDelay, offDelay, pieces) => {
          const compiled = rules({ version: 'd', rules: [{ tag: TAG, limits: { H: 10 }, deadband, onDelay, offDelay }] });
          // Oscillate across the limit, never reaching limit − deadband, over several batches.
          const values = positions.map((p) => 10 - deadband + p * 2 * deadband);
          const all = values.map((value, i) => ({ t: T0 + i * 1000, value }));
          const size = Math.ceil(all.length / pieces);
          const batches = Array.from({ length: pieces }, (_, k) => all.slice(k * size, (k + 1) * size)).filter((p) => p.length > 0);
          const { events } = runAll(
            batches.map((p, k) => batch(p, `b-${k}`)),
            compiled,
            now,
          );
          expect(events.filter((e) => e.transition === 'active').length).toBeLessThanOrEqual(1);
          expect(events.filter((e) => e.transition === 'cleared')).toEqual([]);
        },
      ),
      RUNS,
    );
  });

  it('replaying a batch changes nothing', () => {
    fc.assert(
      fc.property(readings, readings, (first, second) => {
        const compiled = everyDetector(true);
        const before = runAll([batch(first, 'b-1')], compiled, now).state;
        const b = batch(second, 'b-2');
        const once = evaluate(before, b, compiled, now);
        const again = evaluate(once.state, b, compiled, now);
        expect(again.events).toEqual([]);
        expect(again.state).toEqual(once.state);
      }),
      RUNS,
    );
  });

  it('shuffling the readings of a batch gives the same events and state', () => {
    fc.assert(
      fc.property(readings, fc.integer(), (list, seed) => {
        const compiled = everyDetector(true);
        const shuffled = fc.sample(fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length }), { seed, numRuns: 1 })[0]!;
        expect(runAll([batch(shuffled)], compiled, now)).toEqual(runAll([batch(list)], compiled, now));
      }),
      RUNS,
    );
  });

  it('splitting a batch at a time gives the same events as one batch (without STALE rules)', () => {
    fc.assert(
      fc.property(readings, fc.integer({ min: 0, max: 91 }), (list, cutSecond) => {
        const compiled = everyDetector(false);
        const cut = T0 + cutSecond * 1000;
        const early = list.filter((r) => r.t < cut);
        const late = list.filter((r) => r.t >= cut);
        const split = [early, late].filter((p) => p.length > 0).map((p, k) => batch(p, `b-${k}`));
        const whole = runAll([batch(list)], compiled, now);
        const parts = runAll(split, compiled, now);
        expect(parts.events.map(({ eventId }) => eventId)).toEqual(whole.events.map(({ eventId }) => eventId));
        expect(parts.events).toEqual(whole.events);
        // The same state but for the ids of the batches that made it.
        expect({ ...parts.state, recentBatches: [] }).toEqual({ ...whole.state, recentBatches: [] });
      }),
      RUNS,
    );
  });

  it('any state the engine makes survives serialise and deserialise', () => {
    fc.assert(
      fc.property(fc.array(readings, { minLength: 1, maxLength: 4 }), (lists) => {
        const { state } = runAll(
          lists.map((l, k) => batch(l, `b-${k}`)),
          everyDetector(true),
          now,
        );
        const loaded = deserializeState(serializeState(state));
        expect(loaded.ok && loaded.state).toEqual(state);
      }),
      RUNS,
    );
  });

  it('any valid state survives serialise and deserialise', () => {
    const condition = fc.option(fc.record({ active: fc.boolean(), since: fc.option(fc.integer({ min: 0, max: 2 ** 45 })) }), { nil: undefined });
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const tagState = fc.record({
      tag: fc.constantFrom(...TAGS, '1ABC10CP001', 'KK2LAC20AP001MT01'),
      ts: fc.integer({ min: 0, max: 2 ** 45 }),
      lastGood: fc.option(finite),
      lastGoodTs: fc.option(fc.integer({ min: 0, max: 2 ** 45 })),
      conditions: fc
        .record({ HH: condition, H: condition, STALE: condition, STAT: condition })
        .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined))),
      stat: fc.option(fc.record({ n: fc.nat(), mean: finite, variance: fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }) })),
    });
    const state: fc.Arbitrary<AlarmState> = fc
      .record({ site: fc.option(fc.constantFrom('REF-01', 'plant.2')), tags: fc.uniqueArray(tagState, { selector: (s) => s.tag }) })
      .map(({ site, tags }) => ({ ...emptyState(), site, tags: [...tags].sort((a, b) => (a.tag < b.tag ? -1 : 1)) }));
    fc.assert(
      fc.property(state, (s) => {
        const loaded = deserializeState(serializeState(s));
        expect(loaded.ok && loaded.state).toEqual(JSON.parse(JSON.stringify(s)));
      }),
      RUNS,
    );
  });
});
