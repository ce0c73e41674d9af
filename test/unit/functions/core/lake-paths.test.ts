import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  BATCH_ID_PATTERN,
  COMPACTED_FILE_PREFIX,
  COMPACTION_META,
  dayBounds,
  dayPrefix,
  dayRange,
  daysBetween,
  dayStartMs,
  gsUri,
  isDay,
  KIND_PREFIX,
  OBJECTS,
  parseObjectName,
  parseRawObjectName,
  rawContentHash,
  quarantineObjectName,
  rawObjectName,
  readingsByDay,
  sha256Hex,
} from '../../../../functions/core/index.ts';
import { batch, T0 } from './helpers.ts';

describe('lake paths', () => {
  it('names a raw object by UTC day, site and batch id, and reads the name back', () => {
    const name = rawObjectName('2024-05-01', 'REF-01', 'gw-1:42');
    expect(name).toBe('readings/dt=2024-05-01/site=REF-01/gw-1:42.ndjson.gz');
    expect(parseRawObjectName(name)).toEqual({ day: '2024-05-01', site: 'REF-01', batchId: 'gw-1:42' });
    expect(parseRawObjectName('readings/dt=2024-02-30/site=REF-01/x.ndjson.gz')).toBeNull();
    expect(parseRawObjectName('quarantine/dt=2024-05-01/x.json')).toBeNull();
  });

  it('refuses name parts that would be unsafe', () => {
    expect(() => rawObjectName('2024-5-1', 'REF-01', 'b')).toThrow('day "2024-5-1" is not YYYY-MM-DD; pass the UTC day of the readings');
    expect(() => rawObjectName('2024-05-01', 'a/b', 'b')).toThrow('site "a/b" is not a safe path segment; validate the batch first');
    expect(() => rawObjectName('2024-05-01', 'REF-01', '../b')).toThrow('batchId "../b" is not a safe object name; validate the batch first');
  });

  it('splits a batch across midnight (UTC) into one group per day', () => {
    const b = batch([
      { t: T0 - 1000, value: 1 },
      { t: T0, value: 2 },
      { t: T0 - 2000, value: 3 },
      { t: T0 + 86_400_000, value: 4 },
    ]);
    expect(readingsByDay(b).map(({ day, readings }) => [day, readings.map((r) => r.value)])).toEqual([
      ['2024-04-30', [1, 3]],
      ['2024-05-01', [2]],
      ['2024-05-02', [4]],
    ]);
  });

  it('names a quarantined message by day and message id, or by a hash of an unsafe id', () => {
    const now = new Date('2024-05-01T23:59:59Z');
    expect(quarantineObjectName(now, '1234567890')).toBe('quarantine/dt=2024-05-01/1234567890.json');
    expect(quarantineObjectName(now, 'a/b')).toBe(`quarantine/dt=2024-05-01/${sha256Hex('a/b')}.json`);
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('detect objects in the raw bucket', () => {
  it('hashes raw content exactly as before (landed objects carry the hash a resend is compared with)', () => {
    const rows = [
      { site: 'REF-01', tag: '10LAB10CP001', ts: '2024-05-01T00:00:00Z', value: 1.5, quality: 'good', unit: 'bar' },
      { site: 'REF-01', tag: '10LAB10CP002', ts: '2024-05-01T00:00:01.5Z', value: null, quality: 'bad', unit: null },
    ];
    // The original form: one update per row's JSON array, then one per newline.
    const reference = createHash('sha256');
    for (const r of rows) reference.update(JSON.stringify([r.site, r.tag, r.ts, r.value, r.quality, r.unit])).update('\n');
    expect(rawContentHash(rows)).toBe(reference.digest('hex'));
    expect(rawContentHash([])).toBe(createHash('sha256').digest('hex'));
  });

  it('keeps the alarm state and its outbox under the prefix detect may write (infra grants it)', () => {
    expect(OBJECTS.alarmState('REF-01').startsWith(OBJECTS.alarmStatePrefix)).toBe(true);
    expect(OBJECTS.alarmOutboxPrefix.startsWith(OBJECTS.alarmStatePrefix)).toBe(true);
  });
});

// Days, day folders of both kinds, compaction names and the metadata keys compaction writes: the
// naming the daily job and its adapters share.
describe('days', () => {
  it('accepts only real calendar days BigQuery DATE can hold', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('0001-01-01')).toBe(true);
    for (const bad of ['2023-02-29', '2024-02-30', '2024-13-01', '0000-12-31', '2024-5-1', '2024-05-01T00:00:00Z', '']) expect(isDay(bad), bad).toBe(false);
  });

  it('counts, steps and ranges over UTC days across month, year and leap-day edges', () => {
    expect(dayStartMs('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-02-27', '2024-03-02')).toBe(4);
    expect(daysBetween('2024-03-02', '2024-02-27')).toBe(-4);
    expect(dayRange('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(dayRange('2024-03-02', '2024-03-01')).toEqual([]);
    expect(dayBounds('2024-12-31')).toEqual({ start: '2024-12-31T00:00:00Z', end: '2025-01-01T00:00:00Z' });
  });
});

describe('day folders of both kinds', () => {
  it('splits a readings or alarm-events object name into kind, day, site, file and folder', () => {
    expect(parseObjectName('readings/dt=2024-05-01/site=REF-01/gw-1:42.ndjson.gz')).toEqual({
      kind: 'readings',
      day: '2024-05-01',
      site: 'REF-01',
      file: 'gw-1:42',
      folder: 'readings/dt=2024-05-01/site=REF-01/',
    });
    expect(parseObjectName('alarm-events/dt=2024-05-01/site=REF-01/compacted-0123456789abcdef.ndjson.gz')).toMatchObject({
      kind: 'alarm-events',
      file: 'compacted-0123456789abcdef',
    });
    for (const other of [
      'readings/dt=2024-02-30/site=REF-01/b.ndjson.gz', // not a day
      'readings/dt=2024-05-01/site=REF-01/b.ndjson', // not gzip NDJSON (a temp file)
      'readings/dt=2024-05-01/b.ndjson.gz', // no site folder
      'quarantine/dt=2024-05-01/site=REF-01/b.ndjson.gz', // another prefix
    ])
      expect(parseObjectName(other), other).toBeNull();
  });

  it('names the day folder of each kind from the shared prefixes, and gs:// URIs', () => {
    expect(KIND_PREFIX).toEqual({ readings: OBJECTS.readingsPrefix, 'alarm-events': OBJECTS.alarmEventsPrefix });
    expect(dayPrefix('readings', '2024-05-01')).toBe('readings/dt=2024-05-01/');
    expect(dayPrefix('alarm-events', '2024-05-01')).toBe('alarm-events/dt=2024-05-01/');
    const name = rawObjectName('2024-05-01', 'REF-01', 'b-1');
    expect(name.startsWith(dayPrefix('readings', '2024-05-01'))).toBe(true);
    expect(parseObjectName(name)).toMatchObject({ kind: 'readings', day: '2024-05-01', site: 'REF-01', file: 'b-1' });
    expect(gsUri('raw-bkt', name)).toBe(`gs://raw-bkt/${name}`);
  });
});

describe('compaction names', () => {
  it('keeps compacted objects apart from any batch a gateway can land', () => {
    expect(new RegExp(BATCH_ID_PATTERN).test(`${COMPACTED_FILE_PREFIX}0123456789abcdef`)).toBe(false);
    expect(new RegExp(BATCH_ID_PATTERN).test('compacted0123')).toBe(true);
    expect(() => rawObjectName('2024-05-01', 'REF-01', `${COMPACTED_FILE_PREFIX}x`)).toThrow('is not a safe object name');
  });

  it('uses three distinct metadata keys under the plantlake- namespace', () => {
    const keys = Object.values(COMPACTION_META);
    expect(new Set(keys).size).toBe(3);
    for (const key of keys) expect(key).toMatch(/^plantlake-[a-z-]+$/);
  });
});
