// The export's SQL builders: tag globs, day windows, and BigQuery's EXPORT DATA statement (which
// the bigquery-emulator lacks, so its text is what is checked here).
import { describe, expect, it } from 'vitest';
import { checkSite, dayQuery, exportDataSql, tagPatternToRegex } from '../../../cli/export.ts';

describe('export SQL', () => {
  it('turns a KKS glob into an anchored pattern and refuses anything else', () => {
    expect(tagPatternToRegex('10 EGB*cl?01')).toBe('^10EGB.*CL.01$');
    expect(() => tagPatternToRegex("10EGB' OR 1=1")).toThrow('a KKS code or a pattern of letters, digits, * and ?');
    expect(() => checkSite("A'--")).toThrow('is not a site name');
  });

  it('reads one UTC day, filtered by site and tag', () => {
    expect(dayQuery('`p.d.readings`', '2024-03-01', { site: 'REF-01', tag: '10EGB*' })).toBe(
      "SELECT site, tag, CAST(UNIX_MICROS(ts) AS STRING) AS ts_us, value, quality, unit FROM `p.d.readings` WHERE ts >= TIMESTAMP('2024-03-01 00:00:00+00') " +
        "AND ts < TIMESTAMP_ADD(TIMESTAMP('2024-03-01 00:00:00+00'), INTERVAL 1 DAY) AND site = 'REF-01' AND REGEXP_CONTAINS(tag, r'^10EGB.*$') ORDER BY site, tag, ts",
    );
    expect(() => dayQuery('`p.d.readings`', '2024-3-1', {})).toThrow('is not a day');
  });

  it('exports a day and site with EXPORT DATA in the same dt=/site= layout', () => {
    const sql = exportDataSql('`p.d.readings`', '`p.d.tags`', 'gs://lake-exports/plantlake/', '2024-03-01', 'REF-01', {});
    expect(sql).toMatch(
      /^EXPORT DATA OPTIONS \(uri = 'gs:\/\/lake-exports\/plantlake\/dt=2024-03-01\/site=REF-01\/part-\*\.parquet', format = 'PARQUET', overwrite = true\) AS SELECT /,
    );
    expect(sql).toContain("r.ts >= TIMESTAMP('2024-03-01 00:00:00+00')");
    expect(sql).toContain('t.function_key AS kks_system');
  });
});
