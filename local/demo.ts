// The whole pipeline on the emulators with a simulated plant, as `npm start` shows it: provision,
// serve land/detect/notify through the local delivery, publish a simulated day through a gateway
// (compressed in time), show each alarm as the chat channel gets it, then run the daily job and
// the lifecycle for that day and read an analyst's report from the views. The end-to-end test
// runs the same function at a smaller scale.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkCatalog, checkRules, uploadConfigObject } from '../cli/config-objects.ts';
import type { Clients } from '../functions/adapters/clients.ts';
import { createLogger, type LogSink } from '../functions/adapters/log.ts';
import { OBJECTS, parseTariffs, type ReadingBatch } from '../functions/core/index.ts';
import { createContext } from '../functions/daily/context.ts';
import type { RunReport } from '../functions/daily/report.ts';
import { runDaily } from '../functions/daily/run.ts';
import { dailySettings } from '../functions/daily/settings.ts';
import { repoRoot } from './repo-root.ts';
import { startLocalFunctions } from './functions/pipeline.ts';
import { Gateway } from '../cli/gateway.ts';
import { sitePublisher } from '../cli/site-publisher.ts';
import { simulateDay } from './plant/plant.ts';
import { pipelineEnv, provision, type PipelineNames } from './provision.ts';

export interface DemoOptions {
  clients: Clients;
  names: PipelineNames;
  /** UTC day to simulate; default two days ago, so the lifecycle can move it (coldline age 1 day). */
  day?: string;
  /** Hours of the day to simulate; default the whole day. */
  hours?: [number, number];
  /** Simulated seconds per wall-clock second; default 1440 (a day in a minute). 0: as fast as possible. */
  speed?: number;
  /** Batches to publish instead of the simulated plant (a replayed series). */
  batches?: ReadingBatch[];
  /** Progress and alarm lines for a person; default stdout. */
  out?: (line: string) => void;
  /** The functions' structured logs; default discarded (they go to Cloud Logging in the cloud). */
  logSink?: LogSink;
}

export interface Notification {
  text: string;
  receivedAt: number;
}

export interface DemoResult {
  day: string;
  batches: ReadingBatch[];
  readings: number;
  notifications: Notification[];
  daily: RunReport;
  seconds: { publish: number; drain: number; daily: number };
}

export function daysAgo(n: number, now = new Date()): string {
  return new Date(now.getTime() - n * 86_400_000).toISOString().slice(0, 10);
}

/** A local stand-in for the chat webhook: collects what notify sends. */
export async function startChatSink(onMessage: (text: string) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      try {
        onMessage((JSON.parse(body) as { text?: string }).text ?? body);
      } catch {
        onMessage(body);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`, server };
}

/** Uploads config/rules.yaml, tags.yaml and tariffs.yaml as `plantlake rules push` / `tags import` / `tariffs push` do, checked first. */
export async function uploadConfig(clients: Clients, names: PipelineNames): Promise<void> {
  for (const [file, kind, check] of [
    ['rules.yaml', 'rules', checkRules],
    ['tags.yaml', 'catalog', checkCatalog],
  ] as const) {
    const text = readFileSync(join(repoRoot, 'config', file), 'utf8');
    const checked = check(text);
    if (!checked.ok) throw new Error(`config/${file} is not valid, fix it and start again:\n${checked.reason}`);
    await uploadConfigObject(clients.storage, names.buckets.config, kind, text);
  }
  // The feeder's tariff, as `plantlake tariffs push` uploads it; the daily job loads it.
  const tariffs = readFileSync(join(repoRoot, 'config', 'tariffs.yaml'), 'utf8');
  const parsed = parseTariffs(tariffs);
  if (!parsed.ok) throw new Error(`config/tariffs.yaml is not valid, fix it and start again:\n${parsed.reason}`);
  await clients.storage
    .bucket(names.buckets.config)
    .file(OBJECTS.tariffs)
    .save(tariffs, { resumable: false, metadata: { contentType: 'application/yaml' } });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { clients, names } = options;
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const day = options.day ?? daysAgo(2);
  const hours = options.hours ?? [0, 24];
  const speed = options.speed ?? 1440;

  out(`Creating topics, subscriptions, buckets, dataset, tables and views from the definitions the deployment uses…`);
  await provision(clients, names);
  await uploadConfig(clients, names);

  const notifications: Notification[] = [];
  const chat = await startChatSink((text) => {
    notifications.push({ text, receivedAt: Date.now() });
    out(`  🔔 ${text.split('\n')[0]}`);
  });
  const functions = await startLocalFunctions({
    clients,
    names,
    webhookUrl: chat.url,
    webhookFormat: 'slack',
    // Every transition is shown in the demo; production throttles repeats per tag (notify).
    notifyThrottleSeconds: 0,
    configCheckSeconds: 2,
    logSink: options.logSink ?? (() => {}),
    delivery: { log: () => {} },
  });

  try {
    const batches = options.batches ?? simulateDay({ day, hours });
    const readings = batches.reduce((n, b) => n + b.readings.length, 0);
    out(`Publishing ${readings.toLocaleString('en')} readings of ${day} in ${batches.length} gateway batches` + (speed > 0 ? ` at ${speed}× real time…` : '…'));
    const topic = clients.pubsub.topic(names.topics.readings);
    const gateway = new Gateway(sitePublisher(topic));
    const t0 = Date.now();
    const firstSent = Date.parse(batches[0]?.sentAt ?? new Date().toISOString());
    let lastShown = 0;
    for (const batch of batches) {
      if (speed > 0) {
        const due = t0 + (Date.parse(batch.sentAt) - firstSent) / speed;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      void gateway.send(batch);
      if (Date.now() - lastShown > 5000) {
        lastShown = Date.now();
        const d = functions.deliveries;
        out(
          `  ${batch.sentAt.slice(11, 16)} simulated · ${gateway.stats.published} published · ${d.land?.stats.delivered ?? 0} landed · ${d.detect?.stats.delivered ?? 0} checked for alarms · ${notifications.length} notifications`,
        );
      }
    }
    await gateway.flush();
    const publishSeconds = (Date.now() - t0) / 1000;

    out('Waiting for land and detect to take every batch…');
    const t1 = Date.now();
    await waitFor(
      () => (functions.deliveries.land?.stats.delivered ?? 0) >= batches.length && (functions.deliveries.detect?.stats.delivered ?? 0) >= batches.length,
      300_000,
      'land and detect to take every batch',
    );
    // Alerts go through Pub/Sub and notify after detect: wait until notifications stop arriving.
    await waitQuiet(() => notifications.length + (functions.deliveries.notify?.stats.inFlight ?? 0), 2000, 60_000);
    const drainSeconds = (Date.now() - t1) / 1000;
    out(`All ${batches.length} batches landed and checked; ${notifications.length} alarm notifications sent.`);

    out(`Running the daily job (load into BigQuery, then lifecycle: compaction and Coldline for days older than 1 day)…`);
    const t2 = Date.now();
    const settings = dailySettings(pipelineEnv(names), { coldlineAgeDays: 1 });
    const ctx = await createContext(clients, settings, createLogger({ function: 'daily', environment: 'local' }, options.logSink ?? (() => {})));
    const daily = await runDaily(ctx, { mode: 'daily' });
    out(`  ${daily.message}`);
    return { day, batches, readings, notifications, daily, seconds: { publish: publishSeconds, drain: drainSeconds, daily: (Date.now() - t2) / 1000 } };
  } finally {
    await functions.stop();
    chat.server.closeAllConnections();
    await new Promise((r) => chat.server.close(r));
  }
}

async function waitFor(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

/** Resolves once `probe` has not changed for `quietMs`. */
async function waitQuiet(probe: () => number, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = probe();
  let since = Date.now();
  while (Date.now() - since < quietMs && Date.now() < deadline) {
    await sleep(100);
    const now = probe();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
}
