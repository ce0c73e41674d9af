// Small input faults of the local tools: a CSV with a byte-order mark (as Excel writes "CSV UTF-8")
// publishes like one without; a header without the needed columns says so on line 1; values that
// reach SQL or a printed command line are checked with a message that says what to write.
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { batchesFromReadings, readingsFromText } from '../../../cli/readings-file.ts';
import { reportQueries } from '../../../local/analyst-report.ts';
import { datasetId, kksTag, pastDay, siteId } from '../../../cli/option-values.ts';

const CSV = 'site,tag,ts,value,quality\nREF-01,10LAB10CP001,2026-11-30T10:00:00Z,4.2,good\nREF-01,10LAB10CP001,2026-11-30T10:00:10Z,4.3,good\n';

describe('a CSV with a byte-order mark', () => {
  it('reads exactly like the same file without it, and gives the same batches', () => {
    const plain = readingsFromText(CSV, 'csv');
    const withBom = readingsFromText(`\uFEFF${CSV}`, 'csv');
    expect(withBom).toEqual(plain);
    expect(withBom[0]).toEqual({ site: 'REF-01', tag: '10LAB10CP001', ts: '2026-11-30T10:00:00Z', value: 4.2, quality: 'good' });
    const sentAt = new Date('2026-11-30T11:00:00Z');
    expect(batchesFromReadings(withBom, { text: CSV, batchSize: 500, source: 'test', sentAt })).toEqual(
      batchesFromReadings(plain, { text: CSV, batchSize: 500, source: 'test', sentAt }),
    );
  });

  it('an NDJSON file with one reads too', () => {
    expect(readingsFromText('\uFEFF{"site":"A","tag":"10LAB10CP001","ts":"2026-11-30T10:00:00Z","value":1,"quality":"good"}\n', 'ndjson')).toHaveLength(1);
  });

  it('a header without the needed columns is refused on line 1, naming what it has', () => {
    expect(() => readingsFromText('station;tag;time\nA;1;2\n', 'csv')).toThrow(
      /^line 1: the header has no site, tag, ts column \(it has "station;tag;time"\); write the header site,tag,ts,value,quality\[,unit\]$/,
    );
  });
});

describe('values that reach SQL or a command line', () => {
  const now = () => new Date('2026-12-01T12:00:00Z');
  it('--day: a real past day', () => {
    expect(pastDay(now)('2026-11-29')).toBe('2026-11-29');
    expect(() => pastDay(now)("2026-11-29' OR 1=1 --")).toThrow(InvalidArgumentError);
    expect(() => pastDay(now)('2026-02-30')).toThrow(/"2026-02-30" is not a day; write it YYYY-MM-DD/);
    expect(() => pastDay(now)('2026-12-01')).toThrow(/2026-12-01 is not in the past \(today is 2026-12-01 UTC\); readings from the future are quarantined/);
  });

  it('--replay-tag, --replay-site, --dataset', () => {
    expect(kksTag('10MKA10CT001')).toBe('10MKA10CT001');
    expect(() => kksTag("10MKA10CT001'); DROP TABLE x; --")).toThrow(InvalidArgumentError);
    expect(siteId('NAB')).toBe('NAB');
    expect(() => siteId('a b')).toThrow(/"a b" is not a site id/);
    expect(datasetId('plantlake_dev')).toBe('plantlake_dev');
    expect(() => datasetId('plantlake`; DROP')).toThrow(/is not a BigQuery dataset id/);
  });

  it('the analyst report refuses a day or tag that could break out of its SQL', () => {
    expect(reportQueries('test-project', 'plantlake', '2026-11-29', ['10LAB10CP001']).length).toBeGreaterThan(0);
    expect(() => reportQueries('test-project', 'plantlake', "2026-11-29' --", [])).toThrow(/report day must be YYYY-MM-DD/);
    expect(() => reportQueries('test-project', 'plantlake', '2026-11-29', ["x' OR '1"])).toThrow(/report tag must be a KKS code/);
  });
});
