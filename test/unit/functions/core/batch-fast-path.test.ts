// The fast paths of validation against the thorough ones, on random and hostile input (fast-check):
// the same verdict, the same normalised tags and times, so the fast path never lets through what
// the schema and the semantic checks refuse, and never refuses what they accept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RFC3339_PATTERN } from '../../../../functions/core/index.ts';
import { fastPath, thoroughPath } from '../../../../functions/core/batch.ts';
import { DEFAULT_BATCH_LIMITS } from '../../../../functions/core/batch-limits.ts';
import { parseGeneral, parseRfc3339 } from '../../../../functions/core/time.ts';
import { nearRfc3339 } from './helpers.ts';

const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 2000) };
const nowMs = Date.parse('2024-05-01T12:00:00Z');
const pattern = new RegExp(RFC3339_PATTERN);

/** Times near the valid ones: offsets, leap seconds, fractions of any length, out-of-range fields, odd characters. */
const time = fc.oneof(
  // canonical Date#toISOString form, mostly valid, around now (some ahead, some far back)
  fc.integer({ min: Date.parse('1969-12-31T00:00:00Z'), max: nowMs + 3_600_000 }).map((ms) => new Date(ms).toISOString()),
  nearRfc3339,
  // the canonical shape with one character replaced by anything
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }), fc.integer({ min: 0, max: 2 ** 40 }))
    .map(([at, char, ms]) => {
      const text = new Date(ms * 1000).toISOString();
      return text.slice(0, at) + char + text.slice(at + 1);
    }),
  fc.string({ maxLength: 30 }),
);

const hostile = {
  tag: fc.oneof(
    fc.constantFrom(
      '10LAB10CP001',
      '10 LAB10 CP001',
      '=10lab10ct002',
      '10LAB10CP00I',
      '+10LAB10',
      '10LAB1',
      'KK20LAC20AP001MT01',
      '',
      ' ',
      '10LAB10CP001\u{1F600}',
    ),
    fc.string({ maxLength: 45 }),
    fc.constantFrom('10LAB10CP001'.padEnd(41, 'A'), '10LAB10CP001'.padEnd(40, ' '), '10LAB10CP001'.padEnd(41, ' ')), // spaces are dropped by KKS, counted by maxLength
    fc.constant('\u{1F600}'.repeat(21)), // 42 UTF-16 units, 21 code points
    fc.integer(),
  ),
  ts: time,
  value: fc.oneof(fc.double(), fc.constant(null), fc.constant('1.5'), fc.constant(Number.POSITIVE_INFINITY), fc.constant(undefined)),
  quality: fc.constantFrom('good', 'uncertain', 'bad', 'GOOD', undefined, 1),
  unit: fc.constantFrom(undefined, 'bar', '', 'x'.repeat(32), 'x'.repeat(33), '\u{1F600}'.repeat(20), 7),
  extra: fc.constantFrom(undefined, 1),
};
const reading = fc.record(hostile, { requiredKeys: ['tag', 'ts'] });
const entry = fc.oneof({ weight: 20, arbitrary: reading }, { weight: 1, arbitrary: fc.constantFrom(null, [], 'reading', 3) });

/** Mostly well-formed readings, so a batch is valid often enough to compare accepted times and tags. */
const plausible = fc
  .record({
    tag: fc.constantFrom('10LAB10CP001', '10 LAB10 CP002', '=10lab10ct003', '1QKA20CL004'),
    ts: fc.integer({ min: Date.parse('1980-01-01T00:00:00Z'), max: nowMs + 300_000 }).map((ms) => new Date(ms).toISOString()),
    value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(null)),
    quality: fc.constantFrom('good', 'uncertain', 'bad'),
  })
  .map((r) => (r.value === null ? { ...r, quality: 'bad' } : r));

/** A plausible reading with one field replaced by a hostile value (or dropped): the fast path's edges one at a time. */
const oneOff = fc
  .tuple(
    plausible,
    fc.constantFrom(...(Object.keys(hostile) as Array<keyof typeof hostile>)).chain((key) => fc.tuple(fc.constant(key), hostile[key] as fc.Arbitrary<unknown>)),
  )
  .map(([r, [key, value]]) => ({ ...r, [key]: value }));

const batch = (readings: fc.Arbitrary<unknown>) =>
  fc.record({
    batchId: fc.constantFrom('gw-1:42', 'compacted-1', ''),
    site: fc.constantFrom('REF-01', 'a/b'),
    source: fc.constant('gateway'),
    sentAt: fc.oneof(time, fc.constant('2024-05-01T11:59:59Z')),
    readings: fc.array(readings, { minLength: 0, maxLength: 6 }),
  });

/** Drops undefined fields as JSON would, except when the property is meant to be there as undefined. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value)) as object;

function sameVerdict(value: object): void {
  const fast = fastPath(value, nowMs, DEFAULT_BATCH_LIMITS);
  const thorough = thoroughPath(value, nowMs, DEFAULT_BATCH_LIMITS);
  expect(fast === null).toBe(thorough === null);
  if (fast !== null && thorough !== null) {
    expect(fast.tags).toEqual(thorough.tags);
    expect([...fast.times]).toEqual([...thorough.times]);
  }
}

describe('batch fast path', () => {
  it('gives the thorough verdict, tags and times on random and hostile batches', () => {
    fc.assert(
      fc.property(batch(entry), (b) => sameVerdict(asJson(b))),
      RUNS,
    );
  });

  it('agrees on mostly valid batches, valid ones included (and on properties that are present but undefined)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        batch(fc.oneof({ weight: 8, arbitrary: plausible }, { weight: 2, arbitrary: oneOff }, { weight: 1, arbitrary: reading })),
        fc.boolean(),
        (b, json) => {
          const value = json
            ? asJson({ ...b, batchId: 'gw-1:42', site: 'REF-01', sentAt: '2024-05-01T11:59:59Z' })
            : { ...b, batchId: 'gw-1:42', site: 'REF-01', sentAt: '2024-05-01T11:59:59Z' };
          sameVerdict(value);
          if (thoroughPath(value, nowMs, DEFAULT_BATCH_LIMITS) !== null) accepted++;
        },
      ),
      RUNS,
    );
    expect(accepted).toBeGreaterThan(RUNS.numRuns / 10); // the valid side was really exercised
  });

  it('remembers tags by position across batches without mixing them up', () => {
    const one = (tags: string[]) =>
      asJson({
        batchId: 'gw-1:1',
        site: 'REF-01',
        source: 'g',
        sentAt: '2024-05-01T11:59:59Z',
        readings: tags.map((tag) => ({ tag, ts: '2024-05-01T11:00:00Z', value: 1, quality: 'good' })),
      });
    expect(fastPath(one(['10LAB10CP001', '10 lab10 cp002']), nowMs, DEFAULT_BATCH_LIMITS)?.tags).toEqual(['10LAB10CP001', '10LAB10CP002']);
    expect(fastPath(one(['10LAB10CP003', '10LAB10CP002']), nowMs, DEFAULT_BATCH_LIMITS)?.tags).toEqual(['10LAB10CP003', '10LAB10CP002']);
    expect(fastPath(one(['10LAB10CP003', '10LAB10CP00I']), nowMs, DEFAULT_BATCH_LIMITS)).toBeNull();
    expect(fastPath(one(['10LAB10CP003', '10 lab10 cp002']), nowMs, DEFAULT_BATCH_LIMITS)?.tags).toEqual(['10LAB10CP003', '10LAB10CP002']);
  });

  it('refuses an empty ts in the first reading (found by the property above)', () => {
    const value = asJson({
      batchId: 'gw-1:42',
      site: 'REF-01',
      source: 'g',
      sentAt: '2024-05-01T11:59:59Z',
      readings: [{ tag: '10LAB10CP001', ts: '', value: 0, quality: 'good' }],
    });
    expect(fastPath(value, nowMs, DEFAULT_BATCH_LIMITS)).toBeNull();
    expect(thoroughPath(value, nowMs, DEFAULT_BATCH_LIMITS)).toBeNull();
  });
});

describe('parseRfc3339 fast path', () => {
  /** The canonical 24-character shape with any characters at any position (the fast path's domain). */
  const canonicalShape = fc.oneof(
    fc
      .tuple(
        fc.integer({ min: -(2 ** 45), max: 2 ** 47 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom('0', '9', '6', '/', ':', 'a', ' ', '-', 'T', '.', 'Z', '\u0660')), { maxLength: 3 }),
      )
      .map(([ms, edits]) => {
        let text = new Date(Math.max(-62_167_219_200_000, Math.min(ms, 253_402_300_799_999))).toISOString();
        for (const [at, char] of edits) text = text.slice(0, at) + char + text.slice(at + 1);
        return text;
      }),
    fc.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  );

  it('reads the canonical form exactly as the general reader does, leap seconds and bad fields included', () => {
    fc.assert(
      fc.property(fc.oneof(canonicalShape, time), (text) => {
        const fast = parseRfc3339(text);
        expect(Object.is(fast, parseGeneral(text)) || (Number.isNaN(fast) && Number.isNaN(parseGeneral(text)))).toBe(true);
        if (!Number.isNaN(fast)) expect(pattern.test(text)).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('matches Date.parse on valid canonical times and keeps leap seconds in their minute', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('0100-01-01T00:00:00Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }), (ms) => {
        expect(parseRfc3339(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 5000 },
    );
    expect(parseRfc3339('2016-12-31T23:59:60.500Z')).toBe(Date.parse('2016-12-31T23:59:59.999Z'));
    expect(parseRfc3339('2023-02-29T00:00:00.000Z')).toBeNaN();
    expect(parseRfc3339('2024-02-29T00:00:00.000Z')).toBe(Date.parse('2024-02-29T00:00:00.000Z'));
    expect(parseRfc3339('2024-05-01T24:00:00.000Z')).toBeNaN();
    expect(parseRfc3339('2024-05-01T12:00:00.00aZ')).toBeNaN();
  });
});
