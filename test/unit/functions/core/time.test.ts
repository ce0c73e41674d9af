import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRfc3339, RFC3339_PATTERN, toUtcTimestamp, utcDay } from '../../../../functions/core/index.ts';
import { nearRfc3339 } from './helpers.ts';

const pattern = new RegExp(RFC3339_PATTERN);

const calendarOk = (text: string) => {
  const [y, m, d] = [Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))];
  return new Date(Date.UTC(2000, m - 1, d)).getUTCDate() === d && (m !== 2 || d !== 29 || (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)));
};

describe('parseRfc3339', () => {
  it("accepts exactly what the schema pattern accepts on a real date, with Date.parse's value", () => {
    fc.assert(
      fc.property(fc.oneof(nearRfc3339, fc.string()), (text) => {
        const ms = parseRfc3339(text);
        const valid = pattern.test(text) && calendarOk(text);
        expect(Number.isNaN(ms)).toBe(!valid);
        // Date.parse reads years 0–99 as 19xx in some forms; compare where it is unambiguous.
        if (valid && Number(text.slice(0, 4)) >= 100 && text.slice(17, 19) !== '60') expect(ms).toBe(Date.parse(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads offsets, fractions and leap days', () => {
    expect(parseRfc3339('2024-02-29T23:30:00.5-01:30')).toBe(Date.parse('2024-03-01T01:00:00.500Z'));
    expect(parseRfc3339('2023-02-29T00:00:00Z')).toBeNaN();
    expect(parseRfc3339('2024-05-01T12:00:00.123456789Z')).toBe(Date.parse('2024-05-01T12:00:00.123Z'));
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000);
  });
});

describe('UTC forms', () => {
  it('turns an offset time into UTC, keeping the fraction to microseconds', () => {
    const text = '2024-05-01T01:30:00.1234567+02:00';
    expect(toUtcTimestamp(text, parseRfc3339(text))).toBe('2024-04-30T23:30:00.123456Z');
    expect(toUtcTimestamp('2024-05-01T01:30:00Z', parseRfc3339('2024-05-01T01:30:00Z'))).toBe('2024-05-01T01:30:00Z');
  });

  it('names the UTC day of an instant', () => {
    expect(utcDay(Date.parse('2024-05-01T23:59:59.999Z'))).toBe('2024-05-01');
    expect(utcDay(Date.parse('2024-05-02T00:30:00+02:00'))).toBe('2024-05-01');
  });
});
