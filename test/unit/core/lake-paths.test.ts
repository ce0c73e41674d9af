import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { OBJECTS, parseRawObjectName, quarantineObjectName, rawContentHash, rawObjectName, readingsByDay, sha256Hex } from '../../../functions/core/index.ts';
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
