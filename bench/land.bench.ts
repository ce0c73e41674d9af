// Benchmark of land on the emulators: how many readings per second reach the raw zone.
//   node bench/land.bench.ts      (BENCH_LAND_BATCHES, BENCH_LAND_READINGS, BENCH_LAND_CONCURRENCY override)
// Three ways over the same batches (1,000 readings each by default: 100 tags x 10 scans), on a
// stack of its own:
//   (a) baseline: the raw objects written straight with the storage client (gzip + create-only),
//       what land costs at least;
//   (b) the land handler called in process (validation, rows, gzip, write), no Pub/Sub or HTTP;
//   (c) end to end: published to Pub/Sub, pulled by the local delivery, POSTed as push bodies
//       to the Functions Framework server, landed; timed until the last message is acked.
// Prints figures and the ratios to the baseline; asserts nothing.
import { createClients } from '../functions/adapters/clients.ts';
import { createLogger } from '../functions/adapters/log.ts';
import { createOnce, gzipNdjson, NDJSON_GZIP } from '../functions/adapters/raw-objects.ts';
import { parseBatch, rawObjectName, toReadingRow } from '../functions/core/index.ts';
import { createLand } from '../functions/land/land.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { startLocalFunctions } from '../local/functions/pipeline.ts';
import { pipelineNames, provision } from '../local/provision.ts';

const BATCHES = Number(process.env.BENCH_LAND_BATCHES ?? 200);
const READINGS = Number(process.env.BENCH_LAND_READINGS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_LAND_CONCURRENCY ?? 8);
const TAGS = 100;

function bodies(site: string): Buffer[] {
  const start = Date.now() - 3 * 3600_000;
  return Array.from({ length: BATCHES }, (_, b) => {
    const readings = Array.from({ length: READINGS }, (_, i) => ({
      tag: `10LAB${String(10 + (i % TAGS) % 90).padStart(2, '0')}CP${String(i % TAGS).padStart(3, '0')}`,
      ts: new Date(start + b * 10_000 + Math.floor(i / TAGS) * 1000).toISOString(),
      value: Math.round(Math.sin(b + i) * 1e4) / 100,
      quality: 'good',
      unit: 'bar',
    }));
    return Buffer.from(JSON.stringify({ batchId: `bench-${b}`, site, source: 'bench', sentAt: readings.at(-1)!.ts, readings }));
  });
}

async function pool<T>(items: readonly T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await run(items[next++]!);
  }));
}

const line = (label: string, ms: number) =>
  `${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((BATCHES * READINGS) / (ms / 1000)).toLocaleString('en').padStart(9)} readings/s  ${(BATCHES / (ms / 1000)).toFixed(0).padStart(4)} batches/s`;

const stack = await startEmulators();
try {
  const e = stack.endpoints;
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
  const names = pipelineNames({ suffix: 'bench' });
  await provision(clients, names);
  const bucket = clients.storage.bucket(names.buckets.raw);
  const quiet = createLogger({ function: 'land', environment: 'bench' }, () => {});
  console.log(`node ${process.version}; ${BATCHES} batches x ${READINGS} readings (${(bodies('X')[0]!.byteLength / 1e3).toFixed(0)} kB of JSON each), concurrency ${CONCURRENCY}`);

  // (a) storage only: rows prepared outside the timing, then gzip + create-only writes.
  const prepared = bodies('SITE-A').map((body) => {
    const parsed = parseBatch(body, new Date());
    if (!parsed.ok) throw new Error(parsed.reason);
    const rows = parsed.batch.readings.map((r) => toReadingRow(parsed.batch, r, new Date()));
    return { name: rawObjectName(rows[0]!.ts.slice(0, 10), 'SITE-A', parsed.batch.batchId), rows };
  });
  let t = performance.now();
  await pool(prepared, CONCURRENCY, async (p) => createOnce(bucket, p.name, await gzipNdjson(p.rows), NDJSON_GZIP));
  const a = performance.now() - t;

  // (b) the handler in process.
  const land = createLand({ storage: clients.storage, rawBucket: names.buckets.raw, log: quiet });
  const events = bodies('SITE-B').map((body, i) => ({ data: { message: { data: body.toString('base64'), messageId: `b-${i}`, publishTime: new Date().toISOString() } } }));
  t = performance.now();
  await pool(events, CONCURRENCY, (ev) => land(ev));
  const b = performance.now() - t;

  // (c) through Pub/Sub, the delivery and the Functions Framework.
  const fns = await startLocalFunctions({ clients, names, functions: ['land'], logSink: () => {}, delivery: { concurrency: CONCURRENCY, log: () => {} } });
  const topic = clients.pubsub.topic(names.topics.readings);
  const payloads = bodies('SITE-C');
  t = performance.now();
  await Promise.all(payloads.map((data) => topic.publishMessage({ data })));
  const published = performance.now() - t;
  while (fns.deliveries.land!.stats.delivered < BATCHES) await new Promise((r) => setTimeout(r, 20));
  const c = performance.now() - t;
  await fns.stop();

  console.log(line('(a) baseline: gzip + create-only write, storage client', a));
  console.log(line('(b) land handler in process (validate, rows, gzip, write)', b));
  console.log(line('(c) publish → delivery → push → Functions Framework → land', c));
  console.log(`    (publishing all ${BATCHES} messages took ${published.toFixed(0)} ms of (c))`);
  console.log(`ratios to the baseline: (b)/(a) = ${(b / a).toFixed(2)}, (c)/(a) = ${(c / a).toFixed(2)}`);
  const m = process.memoryUsage();
  console.log(`memory: rss ${(m.rss / 1e6).toFixed(0)} MB, heapUsed ${(m.heapUsed / 1e6).toFixed(0)} MB`);
} finally {
  await stack.stop();
}
