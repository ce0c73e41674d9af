// Replaying the recorded NAB machine-temperature series as gateway batches.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../../../functions/core/index.ts';
import { replayCsv } from '../../../../local/plant/replay.ts';

const csv = readFileSync(new URL('../../../fixtures/nab/machine_temperature_system_failure.csv', import.meta.url), 'utf8');

describe('replay of a recorded series', () => {
  it('turns every CSV row into a reading, in valid batches', () => {
    const batches = replayCsv(csv, { tag: '10MKA10CT001', site: 'NAB', unit: 'degF' });
    expect(batches.reduce((n, b) => n + b.readings.length, 0)).toBe(22_695);
    expect(batches[0]!.readings[0]).toEqual({ tag: '10MKA10CT001', ts: '2013-12-02T21:15:00.000Z', value: 73.96732207, quality: 'good', unit: 'degF' });
    for (const b of batches) expect(parseBatch(JSON.stringify(b), new Date()).ok).toBe(true);
  });

  it('says which line is wrong', () => {
    expect(() => replayCsv('timestamp,value\n2014-01-01 00:00:00,1\nnot a time,2\n', { tag: 'T', site: 'S' })).toThrow(
      'line 3 of the replay file is not "YYYY-MM-DD HH:MM:SS,number": "not a time,2"',
    );
  });
});
