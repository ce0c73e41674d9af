import { describe, expect, it } from 'vitest';
import { formatProblem, MAX_BATCH_BYTES, MAX_READINGS_PER_BATCH, parseBatch, type Problem } from '../../../../functions/core/index.ts';

const now = new Date('2024-05-01T12:00:00Z');
const good = {
  batchId: 'gw-1:42',
  site: 'REF-01',
  source: 'gateway-1',
  sentAt: '2024-05-01T11:59:59Z',
  readings: [{ tag: '10 LAB10 CP001', ts: '2024-05-01T11:59:00.250+02:00', value: 1.5, quality: 'good', unit: 'bar' }],
};
type Json = Record<string, unknown>;
const withReading = (patch: Json, drop: string[] = []) => {
  const reading: Json = { ...good.readings[0], ...patch };
  for (const key of drop) delete reading[key];
  return JSON.stringify({ ...good, readings: [reading] });
};
const problemsOf = (input: string | Uint8Array): string[] => {
  const result = parseBatch(input, now);
  if (result.ok) throw new Error('accepted');
  return result.problems.map(formatProblem);
};
const reasonOf = (input: string | Uint8Array): string => {
  const result = parseBatch(input, now);
  if (result.ok) throw new Error('accepted');
  return result.reason;
};

describe('parseBatch', () => {
  it('accepts a valid batch from a string or UTF-8 bytes, late data of any age included', () => {
    const late = JSON.stringify({ ...good, readings: [{ ...good.readings[0], ts: '1999-01-01T00:00:00Z' }] });
    for (const input of [JSON.stringify(good), new TextEncoder().encode(JSON.stringify(good)), late]) {
      const result = parseBatch(input, now);
      expect(result.ok).toBe(true);
    }
  });

  it('accepts null only with quality bad, and a time up to 5 minutes ahead', () => {
    expect(parseBatch(withReading({ value: null, quality: 'bad' }), now).ok).toBe(true);
    expect(parseBatch(withReading({ ts: '2024-05-01T12:05:00Z' }), now).ok).toBe(true);
  });

  it('rejects oversize input before reading it', () => {
    const big = new Uint8Array(MAX_BATCH_BYTES + 1);
    expect(reasonOf(big)).toBe(
      `oversize: the batch is ${MAX_BATCH_BYTES + 1} bytes, above Pub/Sub's 10 MB message limit (${MAX_BATCH_BYTES} bytes); split it into smaller batches`,
    );
    expect(reasonOf('x'.repeat(MAX_BATCH_BYTES + 1))).toMatch(/^oversize: the batch is 10000001 bytes/);
  });

  it('rejects an empty message', () => {
    expect(reasonOf('')).toBe('empty message: it has no bytes; send one ReadingBatch as a JSON object');
  });

  it('rejects bytes that are not UTF-8, naming the first bad byte', () => {
    expect(reasonOf(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]))).toBe(
      'not UTF-8: the bytes are not valid UTF-8 (first bad byte at offset 2, 0xff); encode the batch as UTF-8 JSON',
    );
  });

  it('rejects text that is not JSON', () => {
    expect(reasonOf('{"batchId": ')).toBe('not JSON: Unexpected end of JSON input; send one ReadingBatch as a JSON object');
  });

  it('rejects bare NaN and Infinity with their own reason', () => {
    const reason = (token: string) => reasonOf(JSON.stringify(good).replace('1.5', token));
    expect(reason('NaN')).toBe('not JSON: a bare NaN is not a JSON value (JSON numbers are finite); send a finite number, or null with quality "bad"');
    expect(reason('-Infinity')).toBe(
      'not JSON: a bare -Infinity is not a JSON value (JSON numbers are finite); send a finite number, or null with quality "bad"',
    );
  });

  it('rejects JSON that is not an object', () => {
    expect(reasonOf('[1,2]')).toBe('not a ReadingBatch: the JSON is an array, not an object; send one object with batchId, site, source, sentAt and readings');
    expect(reasonOf('null')).toBe('not a ReadingBatch: the JSON is null, not an object; send one object with batchId, site, source, sentAt and readings');
  });

  it('rejects "NaN" as a string and numbers that overflow to Infinity', () => {
    expect(problemsOf(withReading({ value: 'NaN' }))).toEqual([
      'readings[0].value: "NaN" is a string, not a number; send a finite JSON number, or null with quality "bad"',
    ]);
    expect(problemsOf(JSON.stringify(good).replace('1.5', '1e400'))).toEqual([
      'readings[0].value: Infinity is out of range (it overflows a 64-bit float); send a finite number',
    ]);
  });

  it('rejects null with a good or uncertain quality', () => {
    expect(problemsOf(withReading({ value: null, quality: 'uncertain' }))).toEqual([
      'readings[0].value: null is allowed only with quality "bad" (this reading is "uncertain"); send the measured number, or quality "bad" when there is none',
    ]);
  });

  it('rejects a time that is not RFC 3339, or not on the calendar', () => {
    expect(problemsOf(withReading({ ts: '2024-05-01 11:00:00' }))).toEqual([
      'readings[0].ts: not an RFC 3339 time (got "2024-05-01 11:00:00"); send e.g. "2024-05-01T12:00:00.000Z": date, "T", time, then "Z" or an offset like "+02:00"',
    ]);
    expect(problemsOf(withReading({ ts: '2024-02-30T00:00:00Z' }))).toEqual([
      'readings[0].ts: not an RFC 3339 time: 2024-02-30 is not a date in the calendar; send a real date',
    ]);
  });

  it('rejects a time more than 5 minutes ahead of the receiving clock (clock fault)', () => {
    expect(problemsOf(withReading({ ts: '2024-05-01T12:10:00Z' }))).toEqual([
      'readings[0].ts: 2024-05-01T12:10:00Z is 10.0 minutes ahead of the receiving clock (limit 5 minutes); the gateway clock is wrong: fix its time sync (NTP) and resend',
    ]);
  });

  it('rejects a tag that is not a KKS code, naming the bad part', () => {
    expect(problemsOf(withReading({ tag: '10LAB10AA001MT1' }))).toEqual([
      'readings[0].tag: "10LAB10AA001MT1" is not a KKS code: component "MT1" must be 2 letters and 2 digits (AANN, e.g. "MT01")',
    ]);
    expect(problemsOf(withReading({ tag: 7 }))).toEqual(['readings[0].tag: must be a KKS code such as "10LAB10CP001" (got 7)']);
  });

  it('rejects a wrong quality, a missing field and an unknown field', () => {
    expect(problemsOf(withReading({ quality: 'GOOD' }))).toEqual(['readings[0].quality: "GOOD" is not an OPC UA quality; use "good", "uncertain" or "bad"']);
    expect(problemsOf(withReading({}, ['quality']))).toEqual(['readings[0].quality: missing; this field is required']);
    expect(problemsOf(withReading({ timestamp: 'x' }))).toEqual([
      'readings[0].timestamp: unknown field; remove it or correct its name (allowed: tag, ts, value, quality, unit)',
    ]);
  });

  it('rejects unsafe batch ids and site names (they become object names)', () => {
    expect(problemsOf(JSON.stringify({ ...good, batchId: '../x', site: 'a/b' }))).toEqual([
      'batchId: "../x" is not a usable batch id (it names the raw object); use 1–128 characters from A–Z a–z 0–9 . _ : - starting with a letter or digit, and not with "compacted-" (reserved for compacted objects)',
      'site: "a/b" is not a usable site name (it becomes a path segment); use 1–64 characters from A–Z a–z 0–9 . _ - starting with a letter or digit',
    ]);
    expect(problemsOf(JSON.stringify({ ...good, batchId: 'compacted-0123456789abcdef' }))[0]).toMatch(
      /^batchId: "compacted-0123456789abcdef" is not a usable batch id .*reserved for compacted objects/,
    );
  });

  it('rejects an empty batch and one above the readings limit', () => {
    expect(problemsOf(JSON.stringify({ ...good, readings: [] }))).toEqual(['readings: is empty; a batch needs at least one reading']);
    const many = Array.from({ length: MAX_READINGS_PER_BATCH + 1 }, () => good.readings[0]);
    expect(problemsOf(JSON.stringify({ ...good, readings: many }))).toEqual([
      `readings: has ${MAX_READINGS_PER_BATCH + 1} readings, above the limit of ${MAX_READINGS_PER_BATCH} per batch; split it into smaller batches`,
    ]);
  });

  it('reports every problem of a batch, one per field, in document order, and summarises them', () => {
    const body = JSON.stringify({
      ...good,
      sentAt: 'yesterday',
      readings: [
        good.readings[0],
        { tag: '10LAB1AA001', ts: '2024-05-01 11:00:00', value: 'NaN', quality: 'GOOD' },
        { tag: '10LAB10CP001', ts: '2024-05-01T12:10:00Z', value: null, quality: 'good' },
      ],
    });
    const result = parseBatch(body, now);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p: Problem) => p.path)).toEqual([
      'sentAt',
      'readings[1].ts',
      'readings[1].value',
      'readings[1].quality',
      'readings[1].tag',
      'readings[2].ts',
      'readings[2].value',
    ]);
    expect(result.reason).toMatch(/^invalid ReadingBatch "gw-1:42" from site REF-01; fix these fields and resend \(7 problems\): sentAt: not an RFC 3339 time/);
  });
});
