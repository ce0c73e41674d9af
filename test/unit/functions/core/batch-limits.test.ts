// The bounds of a ReadingBatch (functions/core/batch-limits.ts): bounded problem lists, the range
// of reading times after conversion to UTC, leap seconds, and the UTC days one batch may touch.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BATCH_LIMITS, MAX_PROBLEMS, readBatchLimits } from '../../../../functions/core/batch-limits.ts';
import { scanBody } from '../../../../functions/core/body-scan.ts';
import { parseBatch, toReadingRow, type ReadingBatch } from '../../../../functions/core/index.ts';

const now = new Date('2024-05-01T12:00:00Z');
const reading = (ts: string, value: unknown = 1) => ({ tag: '10LAB10CP001', ts, value, quality: 'good' });
const batchOf = (readings: unknown[]) => JSON.stringify({ batchId: 'gw-1', site: 'REF-01', source: 'gw', sentAt: '2024-05-01T11:59:00Z', readings });
const rejected = (input: string, limits = DEFAULT_BATCH_LIMITS) => {
  const result = parseBatch(input, now, limits);
  if (result.ok) throw new Error('accepted');
  return result;
};

describe('bounded validation', () => {
  it('lists at most MAX_PROBLEMS problems and counts the rest', () => {
    const result = rejected(batchOf(Array.from({ length: 40_000 }, (_, i) => ({ tag: 'x', ts: 'y', value: 'z', quality: 'q', extra: i }))));
    expect(result.problems).toHaveLength(MAX_PROBLEMS);
    expect(result.problems[0]!.path).toBe('readings[0].extra');
    expect(result.stopped).toBe(true);
    expect(result.reason).toMatch(
      /^invalid ReadingBatch "gw-1" from site REF-01; fix these fields and resend \(\d+ problems, then checking stopped: fix these and resend to see any further ones\): readings\[0\]/,
    );
    expect(result.reason.length).toBeLessThan(3_000);
  });

  it('rejects a body over the reading limit on its count alone, and an object with thousands of fields', () => {
    const many = rejected(`{"batchId":"b","readings":[${'1,'.repeat(60_000)}1]}`);
    expect(many.problems).toEqual([{ path: 'readings', reason: 'has 60001 readings, above the limit of 50000 per batch; split it into smaller batches' }]);
    const wide = rejected(JSON.stringify(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, i]))));
    expect(wide.problems).toEqual([{ path: '', reason: 'has more than 20 fields; a ReadingBatch has 5 (batchId, site, source, sentAt, readings)' }]);
    const wideReading = rejected(batchOf([Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, i]))]));
    expect(wideReading.problems).toEqual([{ path: 'readings[0]', reason: 'has more than 20 fields; a reading has at most 5 (tag, ts, value, quality, unit)' }]);
  });
});

describe('reading times', () => {
  it('rejects year 0000 after conversion to UTC, naming the UTC time, and a reset clock of 1970', () => {
    for (const ts of ['0000-01-01T00:00:00+00:01', '0000-06-01T00:00:00Z', '1970-01-01T00:00:00Z']) {
      const result = rejected(batchOf([reading('2024-05-01T11:00:00Z'), reading(ts)]));
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]!.path).toBe('readings[1].ts');
      expect(result.problems[0]!.reason).toMatch(/in UTC, before the oldest accepted time 1980-01-01T00:00:00\.000Z; the device clock is wrong/);
    }
    expect(rejected(batchOf([reading('0000-01-01T00:00:00+00:01')])).problems[0]!.reason).toMatch(
      /^0000-01-01T00:00:00\+00:01 is -000001-12-31T23:59:00\.000Z in UTC/,
    );
  });

  it("accepts older back-fills when the oldest time is lowered, never before BigQuery's 0001-01-01", () => {
    const limits = readBatchLimits({ PLANTLAKE_OLDEST_READING: '0001-01-01T00:00:00Z' });
    expect(parseBatch(batchOf([reading('0001-01-01T00:00:00Z')]), now, limits).ok).toBe(true);
    expect(rejected(batchOf([reading('0000-12-31T23:59:59Z')]), limits).problems[0]!.path).toBe('readings[0].ts');
    expect(() => readBatchLimits({ PLANTLAKE_OLDEST_READING: '0000-01-01T00:00:00Z' })).toThrow(
      /PLANTLAKE_OLDEST_READING must be an RFC 3339 time from 0001-01-01/,
    );
    expect(() => readBatchLimits({ PLANTLAKE_MAX_DAYS_PER_BATCH: '0' })).toThrow(/PLANTLAKE_MAX_DAYS_PER_BATCH must be a whole number ≥ 1; got "0"/);
  });

  it('reads a leap second as the last millisecond of its minute, stored that way in UTC', () => {
    const result = parseBatch(batchOf([reading('2016-12-31T23:59:60Z'), reading('2017-01-01T00:59:60.5+01:00')]), now);
    if (!result.ok) throw new Error(result.reason);
    const batch: ReadingBatch = result.batch;
    const rows = batch.readings.map((r) => toReadingRow(batch, r, now));
    expect(rows.map((r) => r.ts)).toEqual(['2016-12-31T23:59:59.999Z', '2016-12-31T23:59:59.999Z']);
  });
});

describe('days per batch', () => {
  it('accepts up to the limit of UTC days and rejects more, naming the span', () => {
    const days = (n: number) => Array.from({ length: n }, (_, i) => reading(new Date(Date.UTC(2024, 0, 1 + i, 12)).toISOString()));
    expect(parseBatch(batchOf(days(31)), now).ok).toBe(true);
    const result = rejected(batchOf(days(32)));
    expect(result.problems).toEqual([
      {
        path: 'readings',
        reason:
          'span 32 UTC days (2024-01-01 to 2024-02-01), above the limit of 31 days per batch (each day is a raw object and a daily load); send a back-fill as batches of fewer days, or raise PLANTLAKE_MAX_DAYS_PER_BATCH',
      },
    ]);
    expect(parseBatch(batchOf(days(32)), now, readBatchLimits({ PLANTLAKE_MAX_DAYS_PER_BATCH: '40' })).ok).toBe(true);
  });
});

describe('scan of a large body before JSON.parse', () => {
  const enc = (text: string) => new TextEncoder().encode(text);
  it('counts fields, readings and reading fields as JSON.parse would see them', () => {
    const body = `{"batchId":"b","site":"S","source":"a \\" , : [ { ","sentAt":"x","readings":[{"tag":"1,2:3","ts":"y","value":[1,2,{"a":1}],"quality":"good"}, 5 ,"s",null,{}]}`;
    expect(JSON.parse(body).readings).toHaveLength(5);
    expect(scanBody(enc(body), { fields: 99, readings: 99, readingFields: 99 })).toEqual({ fields: 5, readings: 5, readingFields: 4 });
    expect(scanBody(enc('{"readings":[]}'), { fields: 9, readings: 9, readingFields: 9 })).toEqual({ fields: 1, readings: 0, readingFields: 0 });
    expect(scanBody(enc('[1,2,3]'), { fields: 9, readings: 9, readingFields: 9 })).toEqual({ fields: 0, readings: -1, readingFields: 0 });
  });

  it('rejects a large body over a bound before parsing it, and lets a valid large batch through', () => {
    const tiny = enc(`{"batchId":"h","readings":[${'{"tag":1},'.repeat(120_000)}{"tag":1}]}`);
    expect(parseBatch(tiny, now)).toMatchObject({
      ok: false,
      problems: [{ path: 'readings', reason: 'has more than 50000 readings, the limit per batch; split it into smaller batches' }],
    });
    const wide = enc(`{${Array.from({ length: 200_000 }, (_, i) => `"f${i}":${i}`).join(',')}}`);
    expect(parseBatch(wide, now)).toMatchObject({ ok: false, problems: [{ path: '', reason: expect.stringMatching(/^has more than 20 fields/) }] });
    const big = enc(batchOf(Array.from({ length: 20_000 }, (_, i) => reading(new Date(Date.UTC(2024, 4, 1, 11, 0, i % 60)).toISOString(), i))));
    expect(big.byteLength).toBeGreaterThan(1_000_000);
    expect(parseBatch(big, now).ok).toBe(true);
  });
});
