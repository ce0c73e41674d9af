// `plantlake publish` input: NDJSON and CSV readings, checked line by line, batched per site with
// ids that derive from the file's content.
import { describe, expect, it } from 'vitest';
import { parseBatch } from '../../../functions/core/index.ts';
import { batchesFromReadings, formatOf, readingsFromText } from '../../../cli/readings-file.ts';

const csv = `site,tag,ts,value,quality,unit
REF-01,10EGB10CL001,2026-11-20T00:00:00Z,61.5,good,%
REF-01,10EGB10CL001,2026-11-20T00:00:10Z,61.6,,%
WELL-01,20XAB10CP001,2026-11-20T00:00:00Z,,bad,bar
`;

describe('readings file', () => {
  it('reads CSV with a header; an empty quality is good and an empty value is null', () => {
    expect(readingsFromText(csv, 'csv')).toEqual([
      { site: 'REF-01', tag: '10EGB10CL001', ts: '2026-11-20T00:00:00Z', value: 61.5, quality: 'good', unit: '%' },
      { site: 'REF-01', tag: '10EGB10CL001', ts: '2026-11-20T00:00:10Z', value: 61.6, quality: 'good', unit: '%' },
      { site: 'WELL-01', tag: '20XAB10CP001', ts: '2026-11-20T00:00:00Z', value: null, quality: 'bad', unit: 'bar' },
    ]);
  });

  it('reads NDJSON and names the line that is wrong', () => {
    const ok = '{"site":"S","tag":"10LAB10CP001","ts":"2026-11-20T00:00:00Z","value":1,"quality":"good"}\n';
    expect(readingsFromText(ok, 'ndjson')).toHaveLength(1);
    expect(() => readingsFromText(`${ok}\n{oops\n`, 'ndjson')).toThrow('line 3: not JSON; write one reading object per line');
    expect(() => readingsFromText('{"site":"S","ts":"x","value":1}', 'ndjson')).toThrow('line 1: missing tag');
    expect(() => readingsFromText('{"site":"S","tag":"T","ts":"x","value":"NaN"}', 'ndjson')).toThrow('line 1: value must be a finite number; got "NaN"');
    expect(() => readingsFromText('site,tag,ts,value,quality\nS,T,x,1,great\n', 'csv')).toThrow('line 2: quality must be good, uncertain or bad; got "great"');
  });

  it('tells the format from the file name, or asks for it', () => {
    expect(formatOf('a.csv')).toBe('csv');
    expect(formatOf('a.ndjson')).toBe('ndjson');
    expect(() => formatOf('a.txt')).toThrow('pass --format csv|ndjson');
  });

  it('batches per site with content-derived ids, valid for the core', () => {
    const readings = readingsFromText(csv, 'csv');
    const sentAt = new Date('2026-11-21T00:00:00Z');
    const batches = batchesFromReadings(readings, { text: csv, batchSize: 1, source: 'test', sentAt });
    expect(batches.map((b) => [b.site, b.readings.length])).toEqual([
      ['REF-01', 1],
      ['REF-01', 1],
      ['WELL-01', 1],
    ]);
    expect(batchesFromReadings(readings, { text: csv, batchSize: 1, source: 'test', sentAt }).map((b) => b.batchId)).toEqual(batches.map((b) => b.batchId));
    expect(batchesFromReadings(readings, { text: `${csv}\n`, batchSize: 1, source: 'test', sentAt })[0]!.batchId).not.toBe(batches[0]!.batchId);
    for (const b of batches) expect(parseBatch(JSON.stringify(b), sentAt).ok).toBe(true);
  });
});
