// Writes readings as Hive-partitioned Parquet through DuckDB's Node API (@duckdb/node-api, the
// engine analysts read the files with): DIR/dt=YYYY-MM-DD/site=S/part-N.parquet, typed columns
// (ts TIMESTAMP WITH TIME ZONE = Parquet INT64 microseconds adjusted to UTC, value DOUBLE,
// quality, unit, tag, KKS parts). One day at a time, so memory holds one day's rows; a day written
// again replaces its folder, so an export can be re-run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBTimestampTZValue, type DuckDBConnection } from '@duckdb/node-api';
import { parseKksCached } from '../functions/core/index.ts';

export interface ExportRow {
  readonly site: string;
  readonly tag: string;
  /** Microseconds since the epoch, UTC. */
  readonly tsMicros: bigint;
  readonly value: number | null;
  readonly quality: string;
  readonly unit: string | null;
}

export interface ParquetSink {
  /** Writes one UTC day's rows under DIR/dt=DAY/, replacing what was there; returns the files' count. */
  writeDay(day: string, rows: readonly ExportRow[]): Promise<number>;
  close(): void;
}

const COLUMNS = `site VARCHAR, tag VARCHAR, ts TIMESTAMPTZ, value DOUBLE, quality VARCHAR, unit VARCHAR,
  kks_plant VARCHAR, kks_system VARCHAR, kks_equipment_unit VARCHAR, kks_component VARCHAR`;

const quoted = (path: string) => `'${path.replaceAll("'", "''")}'`;

export async function openParquetSink(outDir: string): Promise<ParquetSink> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  return {
    async writeDay(day, rows) {
      if (rows.length === 0) return 0;
      await conn.run(`CREATE OR REPLACE TABLE day_rows (${COLUMNS})`);
      const appender = await conn.createAppender('day_rows');
      const text = (v: string | null | undefined) => (v === null || v === undefined ? appender.appendNull() : appender.appendVarchar(v));
      for (const r of rows) {
        const kks = parseKksCached(r.tag);
        appender.appendVarchar(r.site);
        appender.appendVarchar(r.tag);
        appender.appendTimestampTZ(new DuckDBTimestampTZValue(r.tsMicros));
        if (r.value === null) appender.appendNull();
        else appender.appendDouble(r.value);
        appender.appendVarchar(r.quality);
        text(r.unit);
        text(kks.ok ? kks.kks.plant : null);
        text(kks.ok ? kks.kks.functionKey : null);
        text(kks.ok ? kks.kks.equipmentUnit : null);
        text(kks.ok ? kks.kks.component : null);
        appender.endRow();
      }
      appender.flushSync();
      appender.closeSync();
      const dir = join(outDir, `dt=${day}`);
      mkdirSync(dir, { recursive: true });
      await conn.run(
        `COPY (SELECT * FROM day_rows ORDER BY site, tag, ts) TO ${quoted(dir)} (FORMAT parquet, PARTITION_BY (site), FILENAME_PATTERN 'part-{i}', OVERWRITE true)`,
      );
      const files = await conn.runAndReadAll(`SELECT COUNT(*) AS n FROM glob(${quoted(join(dir, '*', '*.parquet'))})`);
      return Number(files.getRowObjects()[0]!.n);
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
