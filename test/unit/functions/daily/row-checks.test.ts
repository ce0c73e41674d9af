// Line checks: a good line passes, a bad one gets a reason that says what is wrong.
import { describe, expect, it } from 'vitest';
import { lineChecker } from '../../../../functions/daily/row-checks.ts';

const reading = {
  site: 'A',
  tag: '10LAB10CP001',
  ts: '2024-03-01T10:00:00Z',
  value: 1.5,
  quality: 'good',
  unit: 'bar',
  batch_id: 'b1',
  ingested_at: '2024-03-01T10:00:05Z',
};

describe('lineChecker (readings)', () => {
  const check = lineChecker('readings', '2024-03-01', 'A');

  it('accepts a row of the readings schema on its day', () => {
    expect(check(JSON.stringify(reading))).toEqual({ ok: true, row: reading });
  });

  it.each([
    ['{"site":"A","tag":broken', /not valid JSON/],
    [JSON.stringify({ ...reading, quality: 'great' }), /readings row schema: quality/],
    [JSON.stringify({ ...reading, extra: 1 }), /readings row schema/],
    [JSON.stringify({ ...reading, ts: '2024-03-02T00:00:00Z' }), /ts 2024-03-02T00:00:00Z is not on 2024-03-01/],
    [JSON.stringify({ ...reading, ts: '2024-02-30T00:00:00Z' }), /not a real date/],
    [JSON.stringify({ ...reading, site: 'B' }), /site "B" differs from the folder's site=A/],
    ['[1,2]', /readings row schema/],
  ])('refuses %s', (line, reason) => {
    const result = check(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('lineChecker (alarm events)', () => {
  it('checks alarm event rows by reading_ts', () => {
    const check = lineChecker('alarm-events', '2024-03-01', 'A');
    const event = {
      event_id: 'e1',
      site: 'A',
      tag: '10LAB10CP001',
      condition: 'H',
      transition: 'active',
      value: 9,
      limit_value: 8,
      priority: 'high',
      reading_ts: '2024-03-01T23:59:59.999Z',
      detected_at: '2024-03-02T00:00:01Z',
      rules_version: 'v1',
    };
    expect(check(JSON.stringify(event)).ok).toBe(true);
    expect(check(JSON.stringify({ ...event, reading_ts: '2024-02-29T23:00:00Z' })).ok).toBe(false);
  });
});
