// Benchmark of `plantlake export` on the emulators (a stack of its own): DAYS days of TAGS tags
// every STEP seconds in BigQuery `readings`, exported to Hive-partitioned Parquet through DuckDB.
// Baseline, measured in the same run: the bare BigQuery queries of the same days, rows read into
// Node (what any export must at least do here). Prints rows per second, the ratio, DuckDB's share,
// the files' size and the process's memory growth; asserts nothing. The emulator slows as it
// keeps memory from every query (README, known gaps), so the second pass (the export) pays for it.
//   npm run bench:export            (BENCH_EXPORT_DAYS, BENCH_EXPORT_TAGS, BENCH_EXPORT_STEP_SECONDS)
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClients } from '../functions/adapters/clients.ts';
import { TABLE_FIELDS, tableMetadata } from '../functions/adapters/bigquery-tables.ts';
import { createWarehouse } from '../functions/adapters/warehouse.ts';
import { TABLES } from '../functions/core/resources.ts';
import { dayRange } from '../functions/core/lake-paths.ts';
import { dayQuery, exportDays } from '../cli/export.ts';
import { openParquetSink } from '../cli/parquet-sink.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { assertNodeVersion } from '../cli/node-version.ts';

const DAYS = Number(process.env.BENCH_EXPORT_DAYS ?? 2);
const TAGS = Number(process.env.BENCH_EXPORT_TAGS ?? 50);
const STEP = Number(process.env.BENCH_EXPORT_STEP_SECONDS ?? 30);
const FROM = '2024-05-01';

assertNodeVersion();
const stack = await startEmulators();
const out = mkdtempSync(join(tmpdir(), 'plantlake-export-bench-'));
try {
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, ...stack.endpoints });
  const dataset = `bench_${Date.now().toString(36)}`;
  const [ds] = await clients.bigquery.createDataset(dataset);
  await ds.createTable(TABLES.readings.name, tableMetadata(TABLES.readings, TABLE_FIELDS.readings));
  const warehouse = createWarehouse(clients.bigquery, { projectId: stack.projectId, dataset });
  const days = dayRange(FROM, new Date(Date.parse(FROM) + (DAYS - 1) * 86_400_000).toISOString().slice(0, 10));
  const tags = Array.from({ length: TAGS }, (_, i) => `10LAB${String(10 + (i % 90)).padStart(2, '0')}CP${String(i).padStart(3, '0')}`);
  let total = 0;
  for (const day of days) {
    const lines: string[] = [];
    const t0 = Date.parse(`${day}T00:00:00Z`);
    for (let s = 0; s < 86_400; s += STEP) {
      for (const [i, tag] of tags.entries()) {
        lines.push(
          JSON.stringify({
            site: i % 2 ? 'B' : 'A',
            tag,
            ts: new Date(t0 + s * 1000).toISOString(),
            value: Math.sin(s / 3600 + i) * 10 + i,
            quality: 'good',
            unit: 'bar',
            batch_id: 'b',
            ingested_at: new Date(t0 + 86_400_000).toISOString(),
          }),
        );
      }
    }
    await warehouse.loadText(TABLES.readings.name, lines.join('\n') + '\n', 'WRITE_APPEND');
    total += lines.length;
  }
  const target = { bigquery: clients.bigquery, datasetRef: `${stack.projectId}.${dataset}` };

  const b0 = performance.now();
  let baselineRows = 0;
  for (const day of days) baselineRows += ((await clients.bigquery.query(dayQuery(`\`${target.datasetRef}.readings\``, day, {})))[0] as unknown[]).length;
  const baselineS = (performance.now() - b0) / 1000;

  const rss0 = process.memoryUsage().rss;
  const inner = await openParquetSink(out);
  let writeMs = 0;
  const sink = {
    async writeDay(day: string, rows: Parameters<typeof inner.writeDay>[1]) {
      const t = performance.now();
      const n = await inner.writeDay(day, rows);
      writeMs += performance.now() - t;
      return n;
    },
    close: () => inner.close(),
  };
  const e0 = performance.now();
  const written = await exportDays(target, sink, days, {}, () => {});
  const exportS = (performance.now() - e0) / 1000;
  sink.close();
  const rssGrowth = (process.memoryUsage().rss - rss0) / 1e6;
  const files = written.reduce((n, d) => n + d.files, 0);
  let bytes = 0;
  for (const dt of readdirSync(out))
    for (const site of readdirSync(join(out, dt))) for (const f of readdirSync(join(out, dt, site))) bytes += statSync(join(out, dt, site, f)).size;
  const rows = written.reduce((n, d) => n + d.rows, 0);
  if (rows !== total || baselineRows !== total) throw new Error(`exported ${rows}, queried ${baselineRows}, loaded ${total}`);

  console.log(`export benchmark: ${DAYS} day(s) × ${TAGS} tags every ${STEP} s = ${total.toLocaleString('en')} readings`);
  console.log(
    `  baseline, BigQuery queries of the days read into Node: ${baselineS.toFixed(1)} s, ${Math.round(total / baselineS).toLocaleString('en')} rows/s`,
  );
  console.log(`  export (queries + DuckDB Parquet write):              ${exportS.toFixed(1)} s, ${Math.round(total / exportS).toLocaleString('en')} rows/s`);
  console.log(
    `  of which DuckDB (appender + COPY to Parquet):         ${(writeMs / 1000).toFixed(1)} s, ${Math.round(total / (writeMs / 1000)).toLocaleString('en')} rows/s (${((100 * writeMs) / 1000 / exportS).toFixed(0)} % of the export)`,
  );
  console.log(
    `  ratio to the baseline: ${(exportS / baselineS).toFixed(2)}×; ${files} file(s), ${(bytes / 1e6).toFixed(1)} MB (${(bytes / total).toFixed(1)} bytes/reading); RSS grew ${rssGrowth.toFixed(0)} MB`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
  await stack.stop();
}
