// Scale benchmark on the local stack (npm run bench:scale): the reference plant R1 (10 sites ×
// 1,000 tags, a reading per tag every 10 s) for a simulated hour, published as fast as the stack
// takes it (at most BENCH_SCALE_IN_FLIGHT batches not yet landed), through Pub/Sub → push bridge →
// Functions Framework → land and detect, then the daily job on that hour. Prints readings per
// second in, objects written, the daily run's time and where it goes, and the peak memory of
// each process (this one, which hosts the functions, and the emulator binary).
//   BENCH_SCALE_MINUTES (60), BENCH_SCALE_SITES (10), BENCH_SCALE_TAGS (1000 per site), BENCH_SCALE_IN_FLIGHT (40)
// Figures are printed, never asserted.
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createClients } from '../functions/adapters/clients.ts';
import { createLogger } from '../functions/adapters/log.ts';
import { OBJECTS } from '../functions/core/index.ts';
import { createContext } from '../functions/daily/context.ts';
import { runDaily } from '../functions/daily/run.ts';
import { dailySettings } from '../functions/daily/settings.ts';
import { STEPS } from '../functions/daily/timings.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { startLocalFunctions } from '../local/functions/pipeline.ts';
import { assertNodeVersion } from '../cli/node-version.ts';
import { sitePublisher } from '../cli/site-publisher.ts';
import { pipelineEnv, pipelineNames, provision } from '../local/provision.ts';

/** `npm run bench:scale -- --minutes 10` (or BENCH_SCALE_MINUTES); a simulated hour by default. */
function minutesArg(): number {
  const i = process.argv.indexOf('--minutes');
  const text = i >= 0 ? process.argv[i + 1] : process.env.BENCH_SCALE_MINUTES;
  const n = Number(text ?? 60);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--minutes wants a whole number of simulated minutes ≥ 1, not ${text}`);
  return n;
}
const MINUTES = minutesArg();
const SITES = Number(process.env.BENCH_SCALE_SITES ?? 10);
const TAGS = Number(process.env.BENCH_SCALE_TAGS ?? 1000);
const IN_FLIGHT = Number(process.env.BENCH_SCALE_IN_FLIGHT ?? 40);
const STEP_MS = 10_000;

const tagOf = (i: number) => `10LAB${String(10 + Math.floor(i / 100)).padStart(2, '0')}CP${String(i % 100).padStart(3, '0')}`;
const siteOf = (s: number) => `REF-${String(s + 1).padStart(2, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak resident memory (VmHWM) of this process's children named like the emulator binary, in MB. */
function emulatorPeakMb(): number {
  let peak = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+plantlake-emul/m.test(status) || Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
      peak = Math.max(peak, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024);
    } catch {
      // the process ended while we looked
    }
  }
  return peak;
}

assertNodeVersion();
EventEmitter.defaultMaxListeners = 64; // as scripts/start.ts: download streams under load, not a leak
const stack = await startEmulators();
try {
  const e = stack.endpoints;
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
  const names = pipelineNames({ suffix: 'scale' });
  await provision(clients, names);
  await clients.storage
    .bucket(names.buckets.config)
    .file(OBJECTS.rules)
    .save('version: "scale-1"\nrules:\n  - prefix: "10LAB"\n    limits: { H: 100 }\n    priority: high\n', { resumable: false });
  const fns = await startLocalFunctions({
    clients,
    names,
    functions: ['land', 'detect'],
    configCheckSeconds: 10,
    logSink: () => {},
    delivery: { concurrency: 16, log: () => {} },
  });

  // The simulated hour: two days ago from midnight UTC, so the daily job loads it as yesterday's back-fill.
  const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
  const steps = (MINUTES * 60_000) / STEP_MS;
  const publish = sitePublisher(clients.pubsub.topic(names.topics.readings));
  console.log(
    `node ${process.version}; R1-shaped plant: ${SITES} sites × ${TAGS} tags, a reading per tag every ${STEP_MS / 1000} s, ${MINUTES} simulated minutes (${(steps * SITES * TAGS).toLocaleString('en')} readings in ${steps * SITES} batches)`,
  );
  const land = fns.deliveries.land!;
  const detect = fns.deliveries.detect!;
  let published = 0;
  const t0 = performance.now();
  for (let k = 0; k < steps; k++) {
    const ts = new Date(dayStart + k * STEP_MS).toISOString();
    for (let s = 0; s < SITES; s++) {
      while (published - land.stats.delivered >= IN_FLIGHT) await sleep(5);
      const site = siteOf(s);
      const readings = Array.from({ length: TAGS }, (_, i) => ({ tag: tagOf(i), ts, value: 50 + ((i + k) % 7), quality: 'good' as const, unit: 'bar' }));
      await publish(Buffer.from(JSON.stringify({ batchId: `${site}-${k}`, site, source: 'bench-scale', sentAt: ts, readings })), { site }, site);
      published += 1;
    }
  }
  while (land.stats.delivered < published || detect.stats.delivered < published) await sleep(20);
  const inMs = performance.now() - t0;
  const [objects] = await clients.storage.bucket(names.buckets.raw).getFiles({ prefix: OBJECTS.readingsPrefix });
  await fns.stop();

  const readings = published * TAGS;
  console.log(
    `\nin:    ${readings.toLocaleString('en')} readings in ${(inMs / 1000).toFixed(1)} s = ${Math.round(readings / (inMs / 1000)).toLocaleString('en')} readings/s (land and detect both done)`,
  );
  console.log(
    `       R1 in real time is ${((SITES * TAGS) / (STEP_MS / 1000)).toLocaleString('en')} readings/s: the stack took it at ${(readings / (inMs / 1000) / ((SITES * TAGS) / (STEP_MS / 1000))).toFixed(1)} × real time`,
  );
  console.log(
    `       ${objects.length.toLocaleString('en')} raw objects written (${(objects.reduce((n, f) => n + Number(f.metadata.size ?? 0), 0) / 1e6).toFixed(1)} MB gzip)`,
  );
  console.log(`daily: running on ${objects.length.toLocaleString('en')} objects …`);

  const ctx = await createContext(
    clients,
    dailySettings(pipelineEnv(names)),
    createLogger({ function: 'daily' }, () => {}),
  );
  const r0 = performance.now();
  const report = await runDaily(ctx, { mode: 'daily' });
  const dailyMs = performance.now() - r0;

  console.log(
    `daily: ${report.status} in ${(dailyMs / 1000).toFixed(1)} s, ${report.rowsLoaded.toLocaleString('en')} rows loaded (${Math.round(report.rowsLoaded / (dailyMs / 1000)).toLocaleString('en')} rows/s)`,
  );
  for (const step of STEPS) {
    const ms = report.timings[step];
    if (ms > 0) console.log(`       ${step.padEnd(13)} ${(ms / 1000).toFixed(2).padStart(8)} s  ${((ms / dailyMs) * 100).toFixed(0).padStart(3)} %`);
  }
  const lc = report.lifecycle;
  if (lc) {
    const [after] = await clients.storage.bucket(names.buckets.raw).getFiles({ prefix: OBJECTS.readingsPrefix });
    console.log(
      `       lifecycle: ${lc.compactedSources.toLocaleString('en')} objects compacted by compose into ${lc.compactedObjects} (the day after its load); ${after.length.toLocaleString('en')} raw objects left${lc.errors.length > 0 ? `; ${lc.errors.join('; ')}` : ''}`,
    );
  }
  console.log(
    `peak memory: this process (functions, bridge, daily) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB; emulators ${emulatorPeakMb().toFixed(0)} MB`,
  );
} finally {
  await stack.stop();
}
