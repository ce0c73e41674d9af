// Benchmark of the whole daily run on the emulators (a stack of its own), for one simulated day:
// 100 tags read every 10 s = 864,000 readings, landed as ~100 gzip NDJSON batch objects the way
// land writes them. Reports rows per second through the run (list, read and check, staging load,
// replace with dedupe, audit, tags, then the lifecycle: compaction and Coldline) and where the
// time goes. Baseline, measured in the same run on the same files: the bare BigQuery load job of
// those objects into an empty table — the least any load of them can cost on this emulator.
//   npm run bench:daily            (BENCH_DAILY_TAGS, BENCH_DAILY_STEP_SECONDS, BENCH_DAILY_OBJECTS)
// Figures are printed, never asserted.
import { EventEmitter } from 'node:events';
import { gzipSync } from 'node:zlib';
import { createClients } from '../functions/adapters/clients.ts';
import { TABLE_FIELDS, tableMetadata } from '../functions/adapters/bigquery-tables.ts';
import { createLogger } from '../functions/adapters/log.ts';
import { createWarehouse } from '../functions/adapters/warehouse.ts';
import { TABLES } from '../functions/core/resources.ts';
import { createContext } from '../functions/daily/context.ts';
import { runDaily } from '../functions/daily/run.ts';
import { STEPS } from '../functions/daily/timings.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { assertNodeVersion } from '../cli/node-version.ts';

const TAGS = Number(process.env.BENCH_DAILY_TAGS ?? 100);
const STEP_SECONDS = Number(process.env.BENCH_DAILY_STEP_SECONDS ?? 10);
const OBJECTS = Number(process.env.BENCH_DAILY_OBJECTS ?? 100);
const DAY = '2024-05-01';
const SITE = 'BENCH-01';

assertNodeVersion();
EventEmitter.defaultMaxListeners = 64; // as scripts/start.ts: download streams under load, not a leak
const stack = await startEmulators();
const pid = () => stack; // keep the stack referenced while the run is going
try {
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, ...stack.endpoints });
  const raw = `bench-${Date.now().toString(36)}-raw`;
  const config = raw.replace('-raw', '-config');
  const dataset = `bench_${Date.now().toString(36)}`;
  await clients.storage.createBucket(raw);
  await clients.storage.createBucket(config);
  const [ds] = await clients.bigquery.createDataset(dataset);
  for (const [key, spec] of Object.entries(TABLES) as [keyof typeof TABLES, (typeof TABLES)[keyof typeof TABLES]][]) {
    await ds.createTable(spec.name, tableMetadata(spec, TABLE_FIELDS[key]));
  }

  // One day of readings, time-ordered, cut into OBJECTS batches as a gateway would send them.
  const tags = Array.from({ length: TAGS }, (_, i) => `10LAB${String(10 + (i % 90)).padStart(2, '0')}C${'PTFL'[i % 4]}${String(i).padStart(3, '0')}`);
  const steps = Math.floor(86_400 / STEP_SECONDS);
  const total = steps * TAGS;
  const perObject = Math.ceil(total / OBJECTS);
  const t0 = Date.parse(`${DAY}T00:00:00Z`);
  let lines: string[] = [];
  let written = 0;
  let bytes = 0;
  const names: string[] = [];
  const bucket = clients.storage.bucket(raw);
  const flush = async () => {
    const name = `readings/dt=${DAY}/site=${SITE}/b${String(names.length).padStart(5, '0')}.ndjson.gz`;
    const body = gzipSync(lines.join('\n') + '\n');
    bytes += body.length;
    await bucket.file(name).save(body, { resumable: false, metadata: { contentType: 'application/x-ndjson', contentEncoding: 'gzip' } });
    names.push(name);
    lines = [];
  };
  const genStart = performance.now();
  for (let s = 0; s < steps; s++) {
    const ts = new Date(t0 + s * STEP_SECONDS * 1000).toISOString();
    for (let t = 0; t < TAGS; t++) {
      lines.push(
        JSON.stringify({
          site: SITE,
          tag: tags[t],
          ts,
          value: Math.round(Math.sin(s / 500 + t) * 1000) / 10,
          quality: 'good',
          unit: 'bar',
          batch_id: `b${Math.floor(written / perObject)}`,
          ingested_at: ts,
        }),
      );
      written += 1;
      if (lines.length === perObject) await flush();
    }
  }
  if (lines.length > 0) await flush();
  console.log(
    `day ${DAY}: ${total.toLocaleString('en')} readings (${TAGS} tags every ${STEP_SECONDS} s) in ${names.length} objects, ${(bytes / 1e6).toFixed(1)} MB gzip (written in ${((performance.now() - genStart) / 1000).toFixed(1)} s)`,
  );

  // Baseline: the bare load job of the same objects into an empty table.
  const projectId = await clients.bigquery.getProjectId();
  const warehouse = createWarehouse(clients.bigquery, { projectId, dataset });
  await warehouse.createTable('baseline', TABLE_FIELDS.readings);
  const b0 = performance.now();
  await warehouse.loadObjects('baseline', bucket, names);
  const baselineMs = performance.now() - b0;

  // The daily run, 40 days later: it loads the day, then compacts it and moves it to Coldline.
  const now = new Date(Date.parse(`${DAY}T00:00:00Z`) + 40 * 86_400_000);
  const settings = {
    rawBucket: raw,
    configBucket: config,
    dataset,
    coldlineAgeDays: 30,
    retentionDays: undefined,
    location: undefined,
    maxCompactedBytes: 64 * 1024 * 1024,
    concurrency: 8,
  };
  const ctx = await createContext(
    clients,
    settings,
    createLogger({ function: 'daily' }, () => {}),
    () => now,
  );
  const rss0 = process.memoryUsage().rss;
  const r0 = performance.now();
  const report = await runDaily(ctx, { mode: 'daily' });
  const runMs = performance.now() - r0;
  if (report.status !== 'succeeded') throw new Error(`the daily run did not succeed: ${report.message}`);
  const day = report.days[0]!;
  const loadMs = day.durationMs;

  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rate = (rows: number, ms: number) => `${Math.round(rows / (ms / 1000)).toLocaleString('en')} rows/s`;
  console.log(`\nbaseline  bare load job of the ${names.length} objects into an empty table: ${fmt(baselineMs)}  ${rate(total, baselineMs)}`);
  console.log(
    `daily     whole run (plan, load, tags, lifecycle):             ${fmt(runMs)}  ${rate(total, runMs)}   ratio ${(runMs / baselineMs).toFixed(2)}× the baseline`,
  );
  console.log(
    `          of which loading the day (read … audit):             ${fmt(loadMs)}  ${rate(total, loadMs)}   ratio ${(loadMs / baselineMs).toFixed(2)}×`,
  );
  console.log(
    `          rows in ${day.rowsIn.toLocaleString('en')}, kept ${day.rowsKept.toLocaleString('en')}; lifecycle: ${report.lifecycle?.compactedSources} objects → ${report.lifecycle?.compactedObjects} compacted, ${report.lifecycle?.movedToColdline} moved to Coldline`,
  );
  console.log('\nwhere the time goes:');
  for (const step of STEPS) {
    const ms = report.timings[step];
    if (ms > 0) console.log(`  ${step.padEnd(13)} ${fmt(ms).padStart(9)}  ${((ms / runMs) * 100).toFixed(0).padStart(3)} %`);
  }
  const other = runMs - STEPS.reduce((n, s) => n + report.timings[s], 0);
  console.log(
    `  ${'other'.padEnd(13)} ${fmt(other).padStart(9)}  ${((other / runMs) * 100).toFixed(0).padStart(3)} %  (audit query, catalog, relisting, process)`,
  );
  console.log(`\nbench process RSS grew by ${((process.memoryUsage().rss - rss0) / 1e6).toFixed(0)} MB during the run`);
} finally {
  void pid;
  await stack.stop();
}
