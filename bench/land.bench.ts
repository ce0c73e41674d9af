// Benchmark of land on the emulators: how many readings per second reach the raw zone.
//   node bench/land.bench.ts      (BENCH_LAND_BATCHES, BENCH_LAND_READINGS, BENCH_LAND_CONCURRENCY, BENCH_LAND_ROUNDS override)
// Three ways over the same batches (1,000 readings each by default: 100 tags x 10 scans), on a
// stack of its own:
//   (a) baseline: the raw objects written straight with the storage client (gzip + create-only),
//       what land costs at least;
//   (b) the land handler called in process (validation, rows, gzip, write), no Pub/Sub or HTTP;
//   (c) end to end: published to Pub/Sub, pulled by the local delivery, POSTed as push bodies
//       to the Functions Framework server, landed; timed until the last message is acked;
//   (d) the same hop with a handler that does nothing: what Pub/Sub (pstest), the local delivery
//       and the Functions Framework cost without land. In Google Cloud that hop is Pub/Sub's push
//       and Cloud Run's front end, not plantlake code; (c) − (d) is what land adds to it;
//   (e) (b) again, each call inside a Node domain, as the Functions Framework runs every call
//       (function_wrappers.js): the domain's promise hooks tax every promise the storage client
//       makes, a cost of the framework that (d)'s empty handler does not show.
// Also counts the HTTP requests each way sends to Cloud Storage per batch (diagnostics channels of
// Node's fetch and http clients). Prints figures and the ratios to the baseline; asserts nothing.
import { subscribe } from 'node:diagnostics_channel';
import { create as createDomain } from 'node:domain';
import { createClients } from '../functions/adapters/clients.ts';
import { createLogger } from '../functions/adapters/log.ts';
import { createOnce, gzipNdjson, NDJSON_GZIP } from '../functions/adapters/raw-objects.ts';
import { parseBatch, rawObjectName, toReadingRow } from '../functions/core/index.ts';
import { createLand } from '../functions/land/land.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { startDelivery } from '../local/delivery/push-delivery.ts';
import { startLocalFunctions } from '../local/functions/pipeline.ts';
import { serveHandler } from '../local/functions/serve.ts';
import { pipelineNames, provision } from '../local/provision.ts';

const BATCHES = Number(process.env.BENCH_LAND_BATCHES ?? 200);
const READINGS = Number(process.env.BENCH_LAND_READINGS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_LAND_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_LAND_ROUNDS ?? 3);
const TAGS = 100;

function bodies(site: string): Buffer[] {
  const start = Date.now() - 3 * 3600_000;
  return Array.from({ length: BATCHES }, (_, b) => {
    const readings = Array.from({ length: READINGS }, (_, i) => ({
      tag: `10LAB${String(10 + ((i % TAGS) % 90)).padStart(2, '0')}CP${String(i % TAGS).padStart(3, '0')}`,
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
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

// Requests to the storage emulator, by whichever client sends them (fetch: undici; else node:http).
let storagePort = '';
let storageRequests = 0;
const counted = (origin: string) => {
  if (storagePort !== '' && origin.endsWith(`:${storagePort}`)) storageRequests++;
};
subscribe('undici:request:create', (m) => counted(String((m as { request: { origin: string } }).request.origin)));
subscribe('http.client.request.start', (m) => {
  const { request } = m as { request: { host: string; socket?: { remotePort?: number }; getHeader(name: string): unknown } };
  counted(`http://${String(request.getHeader('host') ?? request.host)}`);
});
function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const line = (label: string, ms: number) =>
  `${label.padEnd(58)} ${ms.toFixed(0).padStart(6)} ms  ${Math.round((BATCHES * READINGS) / (ms / 1000))
    .toLocaleString('en')
    .padStart(9)} readings/s  ${(BATCHES / (ms / 1000)).toFixed(0).padStart(4)} batches/s`;

const stack = await startEmulators();
try {
  const e = stack.endpoints;
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
  const names = pipelineNames({ suffix: 'bench' });
  await provision(clients, names);
  const bucket = clients.storage.bucket(names.buckets.raw);
  storagePort = new URL(e.storage).port;
  const quiet = createLogger({ function: 'land', environment: 'bench' }, () => {});
  console.log(
    `node ${process.version}; ${BATCHES} batches x ${READINGS} readings (${(bodies('X')[0]!.byteLength / 1e3).toFixed(0)} kB of JSON each), concurrency ${CONCURRENCY}`,
  );

  const land = createLand({ storage: clients.storage, rawBucket: names.buckets.raw, log: quiet });
  const fns = await startLocalFunctions({ clients, names, functions: ['land'], logSink: () => {}, delivery: { concurrency: CONCURRENCY, log: () => {} } });
  const topic = clients.pubsub.topic(names.topics.readings);
  const [hopTopic] = await clients.pubsub.createTopic('bench-hop');
  await hopTopic.createSubscription('bench-hop-push', { ackDeadlineSeconds: 60 });
  const served = await serveHandler('hop', async () => {});
  const hop = await startDelivery({ clients, subscription: 'bench-hop-push', topic: 'bench-hop', url: served.url, concurrency: CONCURRENCY, log: () => {} });
  const delivered = (target: number, stats: { delivered: number }) =>
    (async () => {
      while (stats.delivered < target) await new Promise((r) => setTimeout(r, 10));
    })();

  const times = { a: [] as number[], b: [] as number[], c: [] as number[], d: [] as number[], e: [] as number[], published: [] as number[] };
  // This process's main-thread CPU per phase (the emulators are other processes): steadier than the
  // wall clock on a shared machine, and it is the part plantlake's code (and the framework) spends.
  const cpu = { a: [] as number[], b: [] as number[], c: [] as number[], d: [] as number[], e: [] as number[] };
  let cpuStart = process.threadCpuUsage();
  const cpuSince = () => {
    const used = process.threadCpuUsage(cpuStart);
    return (used.user + used.system) / 1000;
  };
  const inDomain = (event: unknown) =>
    new Promise<void>((resolve, reject) => {
      const d = createDomain();
      d.on('error', reject);
      d.run(() => process.nextTick(() => land(event).then(resolve, reject)));
    });
  const requests = { a: 0, b: 0, c: 0 };
  // Round 0 warms up (JIT, connections, schema compilation) and is not counted; then interleaved
  // rounds, so a busy neighbour slows all four alike, and medians.
  for (let round = 0; round <= ROUNDS; round++) {
    const counted = round > 0;
    // (a) storage only: rows prepared outside the timing, then gzip + create-only writes.
    const prepared = bodies(`SITE-A${round}`).map((body) => {
      const parsed = parseBatch(body, new Date());
      if (!parsed.ok) throw new Error(parsed.reason);
      const rows = parsed.batch.readings.map((r) => toReadingRow(parsed.batch, r, new Date()));
      return { name: rawObjectName(rows[0]!.ts.slice(0, 10), `SITE-A${round}`, parsed.batch.batchId), rows };
    });
    storageRequests = 0;
    let t = performance.now();
    cpuStart = process.threadCpuUsage();
    await pool(prepared, CONCURRENCY, async (p) => createOnce(bucket, p.name, await gzipNdjson(p.rows), NDJSON_GZIP));
    if (counted) times.a.push(performance.now() - t);
    if (counted) cpu.a.push(cpuSince());
    requests.a = storageRequests / BATCHES;

    // (b) the handler in process.
    const events = bodies(`SITE-B${round}`).map((body, i) => ({
      data: { message: { data: body.toString('base64'), messageId: `b-${round}-${i}`, publishTime: new Date().toISOString() } },
    }));
    storageRequests = 0;
    t = performance.now();
    cpuStart = process.threadCpuUsage();
    await pool(events, CONCURRENCY, (ev) => land(ev));
    if (counted) times.b.push(performance.now() - t);
    if (counted) cpu.b.push(cpuSince());
    requests.b = storageRequests / BATCHES;

    // (c) through Pub/Sub, the delivery and the Functions Framework.
    const payloads = bodies(`SITE-C${round}`);
    storageRequests = 0;
    t = performance.now();
    cpuStart = process.threadCpuUsage();
    await Promise.all(payloads.map((data) => topic.publishMessage({ data })));
    const published = performance.now() - t;
    await delivered((round + 1) * BATCHES, fns.deliveries.land!.stats);
    if (counted) times.c.push(performance.now() - t);
    if (counted) cpu.c.push(cpuSince());
    if (counted) times.published.push(published);
    requests.c = storageRequests / BATCHES;

    // (d) the hop alone: its own topic and subscription, a handler that only returns.
    const hopPayloads = bodies(`SITE-D${round}`);
    t = performance.now();
    cpuStart = process.threadCpuUsage();
    await Promise.all(hopPayloads.map((data) => hopTopic.publishMessage({ data })));
    await delivered((round + 1) * BATCHES, hop.stats);
    if (counted) times.d.push(performance.now() - t);
    if (counted) cpu.d.push(cpuSince());

    // (e) the handler in process, each call inside a domain as the framework makes it.
    const domainEvents = bodies(`SITE-E${round}`).map((body, i) => ({
      data: { message: { data: body.toString('base64'), messageId: `e-${round}-${i}`, publishTime: new Date().toISOString() } },
    }));
    t = performance.now();
    cpuStart = process.threadCpuUsage();
    await pool(domainEvents, CONCURRENCY, inDomain);
    if (counted) times.e.push(performance.now() - t);
    if (counted) cpu.e.push(cpuSince());
  }
  await hop.stop();
  await served.close();
  await fns.stop();

  const [a, b, c, d, e2] = [median(times.a), median(times.b), median(times.c), median(times.d), median(times.e)];
  const perRound = (f: (i: number) => number) => times.a.map((_, i) => f(i).toFixed(2)).join(' ');
  console.log(`medians of ${ROUNDS} interleaved rounds after a warm-up round:`);
  console.log(line('(a) baseline: gzip + create-only write, storage client', a));
  console.log(line('(b) land handler in process (validate, rows, gzip, write)', b));
  console.log(line('(c) publish → delivery → push → Functions Framework → land', c));
  console.log(`    (publishing all ${BATCHES} messages took ${median(times.published).toFixed(0)} ms of (c))`);
  console.log(line('(d) the same hop to a handler that does nothing', d));
  console.log(line('(e) land handler in process, each call in a domain', e2));
  console.log(`storage requests per batch: (a) ${requests.a.toFixed(2)}, (b) ${requests.b.toFixed(2)}, (c) ${requests.c.toFixed(2)}`);
  console.log(
    `ratios to the baseline: (b)/(a) = ${(b / a).toFixed(2)} (rounds: ${perRound((i) => times.b[i]! / times.a[i]!)}), (c)/(a) = ${(c / a).toFixed(2)} (rounds: ${perRound((i) => times.c[i]! / times.a[i]!)})`,
  );
  console.log(
    `  of (c): the hop alone (d)/(a) = ${(d / a).toFixed(2)}; land's own part (c - d)/(a) = ${((c - d) / a).toFixed(2)} (rounds: ${perRound((i) => (times.c[i]! - times.d[i]!) / times.a[i]!)})`,
  );
  console.log(
    `  land's handler alone (b)/(a) = ${(b / a).toFixed(2)}; in a domain (e)/(a) = ${(e2 / a).toFixed(2)} (rounds: ${perRound((i) => times.e[i]! / times.a[i]!)})`,
  );
  const cpuPer = (key: keyof typeof cpu) => `${(median(cpu[key]) / BATCHES).toFixed(2)} ms`;
  console.log(
    `CPU of this process per batch (main thread, medians): (a) ${cpuPer('a')}, (b) ${cpuPer('b')}, (c) ${cpuPer('c')}, (d) ${cpuPer('d')}, (e) ${cpuPer('e')}`,
  );
  console.log(
    `  CPU ratios: (b)/(a) = ${(median(cpu.b) / median(cpu.a)).toFixed(2)}, (c)/(a) = ${(median(cpu.c) / median(cpu.a)).toFixed(2)}, (c - d)/(a) = ${((median(cpu.c) - median(cpu.d)) / median(cpu.a)).toFixed(2)}, (e)/(a) = ${(median(cpu.e) / median(cpu.a)).toFixed(2)}`,
  );
  console.log('  (goal of issue 18: (c) <= 1.5 x (a); the hop is Pub/Sub push and Cloud Run in production, not plantlake code)');
  const m = process.memoryUsage();
  console.log(`memory: rss ${(m.rss / 1e6).toFixed(0)} MB, heapUsed ${(m.heapUsed / 1e6).toFixed(0)} MB`);
} finally {
  await stack.stop();
}
