// BigQuery emulator through the official client: a day-partitioned, clustered table, a load job
// from gzip NDJSON in the storage emulator by wildcard URI, named query parameters, and replacing
// one day's rows with duplicates removed.
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '@google-cloud/bigquery';
import type { Bucket } from '@google-cloud/storage';
import { TABLES } from '../../../functions/core/resources.ts';
import { TABLE_FIELDS, tableMetadata } from '../../../functions/adapters/bigquery-tables.ts';
import { clients, uniqueBigQueryName, uniqueName } from '../../harness/emulators.ts';

interface Row {
  site: string;
  tag: string;
  ts: string;
  value: number;
  quality: string;
  batch_id: string;
  ingested_at: string;
}

function rowsFor(day: string, site: string, batch: string, n: number, offset = 0): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    site,
    tag: i % 2 ? '10LAB10CP001' : '10LAB10CT001',
    ts: new Date(Date.parse(`${day}T00:00:00Z`) + (i + offset) * 10_000).toISOString(),
    value: i + offset,
    quality: 'good',
    batch_id: batch,
    ingested_at: `${day}T12:00:00Z`,
  }));
}

async function putNdjson(bucket: Bucket, name: string, rows: Row[]): Promise<void> {
  await bucket.file(name).save(gzipSync(rows.map((r) => JSON.stringify(r)).join('\n') + '\n'), {
    resumable: false,
    metadata: { contentType: 'application/x-ndjson', contentEncoding: 'gzip' },
  });
}

describe('BigQuery emulator', () => {
  let dataset: Dataset;
  let bucket: Bucket;

  beforeAll(async () => {
    const { bigquery, storage } = clients();
    [dataset] = await bigquery.createDataset(uniqueBigQueryName('smoke'));
    [bucket] = await storage.createBucket(uniqueName('raw'));
  });

  it('creates a day-partitioned, clustered table with a required partition filter', async () => {
    const [table] = await dataset.createTable(TABLES.readings.name, tableMetadata(TABLES.readings, TABLE_FIELDS.readings));
    const [meta] = await table.getMetadata();
    expect(meta.timePartitioning).toMatchObject({ type: 'DAY', field: 'ts' });
    expect(meta.clustering.fields).toEqual(['site', 'tag']);
    expect(meta.schema.fields.map((f: { name: string }) => f.name)).toEqual(TABLE_FIELDS.readings.map((f) => f.name));
  });

  it('loads gzip NDJSON from a gs:// wildcard, queries with parameters and replaces one day', async () => {
    const { bigquery } = clients();
    const readings = dataset.table(TABLES.readings.name);
    const staging = dataset.table('staging_readings');
    await dataset.createTable('staging_readings', { schema: { fields: TABLE_FIELDS.readings } });

    // Two days from three batch objects, loaded by one wildcard per day.
    await putNdjson(bucket, 'readings/dt=2024-03-01/site=A/b1.ndjson.gz', rowsFor('2024-03-01', 'A', 'b1', 100));
    await putNdjson(bucket, 'readings/dt=2024-03-01/site=B/b2.ndjson.gz', rowsFor('2024-03-01', 'B', 'b2', 50));
    await putNdjson(bucket, 'readings/dt=2024-03-02/site=A/b3.ndjson.gz', rowsFor('2024-03-02', 'A', 'b3', 80));
    for (const day of ['2024-03-01', '2024-03-02']) {
      const [job] = await readings.createLoadJob(bucket.file(`readings/dt=${day}/*`), {
        sourceFormat: 'NEWLINE_DELIMITED_JSON',
        writeDisposition: 'WRITE_APPEND',
      });
      await job.promise();
    }

    const count = async (day: string, site?: string): Promise<number> => {
      const [rows] = await bigquery.query({
        query: `SELECT COUNT(*) AS n FROM \`${dataset.id}.readings\` ` + 'WHERE DATE(ts) = @day' + (site ? ' AND site = @site' : ''),
        params: site ? { day: bigquery.date(day), site } : { day: bigquery.date(day) },
      });
      return Number(rows[0].n);
    };
    expect(await count('2024-03-01')).toBe(150);
    expect(await count('2024-03-01', 'B')).toBe(50);
    expect(await count('2024-03-02')).toBe(80);

    // A late batch for 2024-03-01 overlaps 20 readings of b1 (same site, tag, ts) and adds 30.
    await putNdjson(bucket, 'readings/dt=2024-03-01/site=A/b4.ndjson.gz', rowsFor('2024-03-01', 'A', 'b4', 50, 80));
    const [job] = await staging.createLoadJob(bucket.file('readings/dt=2024-03-01/*'), {
      sourceFormat: 'NEWLINE_DELIMITED_JSON',
      writeDisposition: 'WRITE_TRUNCATE',
    });
    await job.promise();
    const [stagedRows] = await bigquery.query(`SELECT COUNT(*) AS n FROM \`${dataset.id}.staging_readings\``);
    expect(Number(stagedRows[0].n)).toBe(200);

    // Replace the day: delete it, insert the staged rows keeping one per (site, tag, ts).
    await bigquery.query({
      query: `DELETE FROM \`${dataset.id}.readings\` WHERE DATE(ts) = @day`,
      params: { day: bigquery.date('2024-03-01') },
    });
    await bigquery.query({
      query:
        `INSERT INTO \`${dataset.id}.readings\` (site, tag, ts, value, quality, unit, batch_id, ingested_at) ` +
        'SELECT site, tag, ts, value, quality, unit, batch_id, ingested_at FROM (' +
        '  SELECT *, ROW_NUMBER() OVER (PARTITION BY site, tag, ts ORDER BY batch_id) AS rn ' +
        `  FROM \`${dataset.id}.staging_readings\` WHERE DATE(ts) = @day) WHERE rn = 1`,
      params: { day: bigquery.date('2024-03-01') },
    });
    expect(await count('2024-03-01', 'A')).toBe(130);
    expect(await count('2024-03-01', 'B')).toBe(50);
    expect(await count('2024-03-02')).toBe(80);
  });
});
