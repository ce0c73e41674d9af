// Small builders for the core's unit tests: batches, rules, and a run of batches through evaluate.
import fc from 'fast-check';
import {
  emptyState,
  evaluate,
  parseRules,
  validateBatch,
  type AlarmEvent,
  type AlarmState,
  type CompiledRules,
  type Reading,
  type ReadingBatch,
} from '../../../../functions/core/index.ts';

export const T0 = Date.parse('2024-05-01T00:00:00.000Z');
export const iso = (ms: number) => new Date(ms).toISOString();
export const TAG = '10LAB10CP001';

/** A valid batch (checked by validateBatch, so evaluate gets its prepared times). */
export function batch(readings: Array<Partial<Reading> & { t?: number }>, batchId = 'b-1', site = 'REF-01'): ReadingBatch {
  const body = {
    batchId,
    site,
    source: 'test',
    sentAt: iso(T0),
    readings: readings.map(({ t, ...r }) => ({ tag: TAG, ts: iso(t ?? T0), value: 0, quality: 'good' as const, ...r })),
  };
  const parsed = validateBatch(body, new Date(8.64e15));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.batch;
}

/** Readings of one tag, one per second from T0. */
export function series(values: ReadonlyArray<number>, tag = TAG, stepMs = 1000): Array<Partial<Reading> & { t: number }> {
  return values.map((value, i) => ({ tag, t: T0 + i * stepMs, value }));
}

export function rules(doc: object | string): CompiledRules {
  const parsed = parseRules(doc);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.rules;
}

/** Evaluates batches in order with one clock (`now`, default: far after every reading). */
export function runAll(batches: readonly ReadingBatch[], compiled: CompiledRules, now = new Date(T0 + 365 * 86_400_000), start: AlarmState = emptyState()) {
  let state = start;
  const events: AlarmEvent[] = [];
  for (const b of batches) {
    const result = evaluate(state, b, compiled, now);
    state = result.state;
    events.push(...result.events);
  }
  return { state, events };
}

/** Compact view of events for assertions: `H active @3 (value)`. */
export const brief = (events: readonly AlarmEvent[]) => events.map((e) => `${e.condition} ${e.transition} @${(Date.parse(e.readingTs) - T0) / 1000}`);

const pad2 = (n: number, width: number) => String(n).padStart(width, '0');

/**
 * Texts near the RFC 3339 form, for property tests of the time readers: mostly valid fields,
 * sometimes out of range (month 13, second 61, hour 24), fractions of 0–11 digits, offsets, odd
 * separators and zones.
 */
export const nearRfc3339 = fc
  .record({
    year: fc.integer({ min: 0, max: 9999 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 24 }),
    minute: fc.integer({ min: 0, max: 60 }),
    second: fc.integer({ min: 0, max: 61 }),
    fraction: fc.option(fc.stringMatching(/^\d{0,11}$/)),
    zone: fc.oneof(
      fc.constant('Z'),
      fc.constant('z'),
      fc.constant(''),
      fc
        .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }))
        .map(([s, h, m]) => `${s}${pad2(h, 2)}:${pad2(m, 2)}`),
    ),
    separator: fc.constantFrom('T', 'T', 'T', ' ', 't'),
  })
  .map(
    (p) =>
      `${pad2(p.year, 4)}-${pad2(p.month, 2)}-${pad2(p.day, 2)}${p.separator}${pad2(p.hour, 2)}:${pad2(p.minute, 2)}:${pad2(p.second, 2)}${p.fraction === null ? '' : `.${p.fraction}`}${p.zone}`,
  );
