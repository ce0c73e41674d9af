// Latency benchmark of the real-time path on the emulators (npm run bench:latency).
//   BENCH_LATENCY_SECONDS (default 180), BENCH_LATENCY_SITES (10), BENCH_LATENCY_TAGS (1000 per site),
//   BENCH_LATENCY_SCAN_SECONDS (10) override the reference plant.
// The reference plant: 10,000 tags over 10 sites, one reading per tag every 10 s, each site's
// gateway publishing one batch per scan with the site as ordering key (sites staggered over the
// scan), with scripted excursions: every 3rd scan of a site drives one tag above its H limit for
// one scan. land, detect and notify run as in `npm start` (Pub/Sub → push bridge → Functions
// Framework), notify posting to a local webhook. Measured per excursion: publish → the webhook
// receiving its notification; per batch: publish → land's entry saying its raw object was written.
// Baseline in the same run: publish → streaming-pull receipt on a bare subscription (the transport
// floor every hop pays). At the end: each subscription's backlog when publishing stops, and how
// long it takes to drain. Where the time goes: detect's and land's own handler time (their logs).
// Prints figures; asserts nothing.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from '@google-cloud/pubsub';
import { createClients } from '../functions/adapters/clients.ts';
import { eventId, OBJECTS } from '../functions/core/index.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { startLocalFunctions } from '../local/functions/pipeline.ts';
import { Gateway } from '../cli/gateway.ts';
import { sitePublisher } from '../cli/site-publisher.ts';
import { pipelineNames, provision } from '../local/provision.ts';

const SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 180);
const SITES = Number(process.env.BENCH_LATENCY_SITES ?? 10);
const TAGS = Number(process.env.BENCH_LATENCY_TAGS ?? 1000);
const SCAN_MS = Number(process.env.BENCH_LATENCY_SCAN_SECONDS ?? 10) * 1000;
const RULES_VERSION = 'bench-1';
const H = 100;

const tagOf = (i: number) => `10LAB${String(10 + Math.floor(i / 100)).padStart(2, '0')}CP${String(i % 100).padStart(3, '0')}`;
const siteOf = (s: number) => `REF-${String(s + 1).padStart(2, '0')}`;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
function summary(label: string, values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(0).padStart(6)} ms`;
  return `${label.padEnd(48)} n=${String(s.length).padStart(5)}  p50 ${f(percentile(s, 50))}  p95 ${f(percentile(s, 95))}  p99 ${f(percentile(s, 99))}  max ${f(s.at(-1) ?? NaN)}`;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// As in scripts/start.ts: the storage client's download streams collect >10 listeners under load; not a leak.
EventEmitter.defaultMaxListeners = 64;
const stack = await startEmulators();
try {
  const e = stack.endpoints;
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
  const names = pipelineNames({ suffix: 'latency' });
  await provision(clients, names);
  await clients.storage
    .bucket(names.buckets.config)
    .file(OBJECTS.rules)
    .save(`version: "${RULES_VERSION}"\nrules:\n  - prefix: "10LAB"\n    limits: { H: ${H} }\n    deadband: 5\n    priority: high\n`, { resumable: false });

  // The control room's chat webhook: when each notification arrives, by event id.
  const notified = new Map<string, number>();
  const hook = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const at = performance.now();
      const id = /Event id: ([0-9a-f]{32})/.exec(body)?.[1];
      if (id && !notified.has(id)) notified.set(id, at);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
  const webhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;

  // land's and detect's own entries: when a batch's raw object was written, and handler times.
  const landed = new Map<string, number>();
  const handlerMs: Record<'land' | 'detect', number[]> = { land: [], detect: [] };
  const logSink = (line: string) => {
    if (!line.includes('"land.batch"') && !line.includes('"detect.batch"')) return;
    const at = performance.now();
    const entry = JSON.parse(line) as { event: string; outcome: string; batchId?: string; durationMs?: number };
    if (entry.event === 'land.batch' && entry.outcome === 'landed' && entry.batchId) landed.set(entry.batchId, at);
    if (entry.event === 'land.batch' && typeof entry.durationMs === 'number') handlerMs.land.push(entry.durationMs);
    if (entry.event === 'detect.batch' && typeof entry.durationMs === 'number') handlerMs.detect.push(entry.durationMs);
  };
  const fns = await startLocalFunctions({
    clients,
    names,
    webhookUrl,
    webhookFormat: 'google-chat',
    notifyThrottleSeconds: 0,
    configCheckSeconds: 10,
    logSink,
    delivery: { concurrency: 16, log: () => {} },
  });

  // Baseline: the transport floor, publish → streaming pull on a bare subscription, same stack.
  const [probeSub] = await clients.pubsub.topic(names.topics.readings).createSubscription('latency-probe');
  const probeSent = new Map<string, number>();
  const probe: number[] = [];
  probeSub.on('message', (m: Message) => {
    const sent = probeSent.get(m.attributes.batchProbe ?? '');
    if (sent !== undefined) probe.push(performance.now() - sent);
    m.ack();
  });

  const readingsTopic = clients.pubsub.topic(names.topics.readings);
  const publish = sitePublisher(readingsTopic);
  const published = new Map<string, number>();
  const excursions = new Map<string, string>(); // event id of the H activation → its batch id
  const gateways = Array.from(
    { length: SITES },
    () =>
      new Gateway(async (data, attributes, key) => {
        const batchId = (JSON.parse(data.toString()) as { batchId: string }).batchId;
        const t = performance.now();
        published.set(batchId, t);
        probeSent.set(batchId, t);
        return publish(data, { ...attributes, batchProbe: batchId }, key);
      }),
  );
  console.log(
    `node ${process.version}; reference plant: ${SITES} sites × ${TAGS} tags, one reading per tag every ${SCAN_MS / 1000} s, ${SECONDS} s of publishing`,
  );

  const start = performance.now();
  const epoch = Date.now();
  const scans = Math.floor((SECONDS * 1000) / SCAN_MS);
  const timers: Promise<void>[] = [];
  for (let s = 0; s < SITES; s++) {
    timers.push(
      (async () => {
        const site = siteOf(s);
        for (let k = 0; k < scans; k++) {
          const due = start + k * SCAN_MS + (s * SCAN_MS) / SITES;
          if (due > performance.now()) await sleep(due - performance.now());
          const ts = new Date(epoch + (performance.now() - start)).toISOString();
          const hot = k % 3 === 1 ? (k * 7 + s * 13) % TAGS : -1; // one excursion every 3rd scan
          const readings = Array.from({ length: TAGS }, (_, i) => ({ tag: tagOf(i), ts, value: i === hot ? 150 : 50, quality: 'good' as const, unit: 'bar' }));
          const batchId = `${site}-${k}`;
          if (hot >= 0) excursions.set(eventId(site, tagOf(hot), 'H', 'active', ts, RULES_VERSION), batchId);
          const batch = { batchId, site, source: 'bench-gateway', sentAt: ts, readings };
          void gateways[s]!.send(batch);
        }
      })(),
    );
  }
  await Promise.all(timers);
  await Promise.all(gateways.map((g) => g.flush()));
  const stoppedAt = performance.now();
  const total = published.size;
  const backlog = { land: total - fns.deliveries.land!.stats.delivered, detect: total - fns.deliveries.detect!.stats.delivered };
  const wantedNotifications = excursions.size;
  while (
    (fns.deliveries.land!.stats.delivered < total ||
      fns.deliveries.detect!.stats.delivered < total ||
      [...excursions.keys()].some((id) => !notified.has(id))) &&
    performance.now() - stoppedAt < 120_000
  ) {
    await sleep(50);
  }
  const drainMs = performance.now() - stoppedAt;

  const alarmLatency = [...excursions].flatMap(([id, batchId]) =>
    notified.has(id) && published.has(batchId) ? [notified.get(id)! - published.get(batchId)!] : [],
  );
  const landLatency = [...published].flatMap(([id, sent]) => (landed.has(id) ? [landed.get(id)! - sent] : []));
  console.log(
    `${total} batches (${(total * TAGS).toLocaleString('en')} readings) published in ${((stoppedAt - start) / 1000).toFixed(0)} s; ${wantedNotifications} scripted excursions, ${alarmLatency.length} notified`,
  );
  console.log(summary('publish → alarm notification at the webhook', alarmLatency));
  console.log(summary('publish → raw object landed', landLatency));
  console.log(summary('baseline: publish → streaming pull (bare sub)', probe));
  console.log(summary('  detect handler (its durationMs)', handlerMs.detect));
  console.log(summary('  land handler (its durationMs)', handlerMs.land));
  const p50 = (v: number[]) =>
    percentile(
      [...v].sort((a, b) => a - b),
      50,
    );
  console.log(`ratios to the baseline (p50): alarm ${(p50(alarmLatency) / p50(probe)).toFixed(1)} ×, landed ${(p50(landLatency) / p50(probe)).toFixed(1)} ×`);
  console.log(
    `backlog when publishing stopped: readings-land ${backlog.land}, readings-detect ${backlog.detect} batches; drained in ${(drainMs / 1000).toFixed(1)} s`,
  );
  const m = process.memoryUsage();
  console.log(`memory: rss ${(m.rss / 1e6).toFixed(0)} MB, heapUsed ${(m.heapUsed / 1e6).toFixed(0)} MB`);
  await probeSub.close();
  await fns.stop();
  await new Promise<void>((r) => hook.close(() => r()));
} finally {
  await stack.stop();
}
