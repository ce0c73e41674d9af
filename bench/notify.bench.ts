// Benchmark of notify on the emulators: what the shared sent-ledger (one read and two
// conditional writes in the raw bucket per notification) costs per alarm notification.
//   node bench/notify.bench.ts      (BENCH_NOTIFY_EVENTS, BENCH_NOTIFY_CONCURRENCY override)
// Two ways over the same alarm events (an active and a cleared per tag), on a stack of its own,
// against a local webhook that answers at once:
//   (a) baseline: the chat webhook POST alone (postJson), what notify costs at least;
//   (b) the notify handler in process: decode, dedupe/throttle, ledger claim + confirm, wording,
//       e-mail log entry, webhook POST;
//   (c) the ledger's claim + confirm alone, to attribute (b).
// Prints figures and the ratio to the baseline; asserts nothing.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClients } from '../functions/adapters/clients.ts';
import { createLogger } from '../functions/adapters/log.ts';
import { DEFAULT_RETRY, postJson } from '../functions/adapters/webhook-client.ts';
import type { AlarmEvent } from '../functions/core/index.ts';
import { createNotify } from '../functions/notify/notify.ts';
import { createLedger } from '../functions/notify/sent-ledger.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { pipelineNames, provision } from '../local/provision.ts';

const EVENTS = Number(process.env.BENCH_NOTIFY_EVENTS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_NOTIFY_CONCURRENCY ?? 8);

async function pool<T>(items: readonly T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

function events(): AlarmEvent[] {
  const t0 = Date.now() - 3600_000;
  return Array.from({ length: EVENTS }, (_, i) => {
    const tag = `10LAB${String(10 + (Math.floor(i / 2) % 90)).padStart(2, '0')}CP${String(Math.floor(i / 2) % 1000).padStart(3, '0')}`;
    const transition = i % 2 === 0 ? 'active' : 'cleared';
    return {
      eventId: (i + 1).toString(16).padStart(32, '0'),
      site: 'BENCH-01',
      tag,
      condition: 'HH',
      transition,
      value: transition === 'active' ? 99 : 80,
      limit: 95,
      priority: 'high',
      readingTs: new Date(t0 + i * 1000).toISOString(),
      detectedAt: new Date(t0 + i * 1000 + 50).toISOString(),
      rulesVersion: 'bench',
    } satisfies AlarmEvent;
  });
}

const cloudEvent = (e: AlarmEvent, n: number) => ({
  specversion: '1.0',
  id: `bench-${n}`,
  source: '//pubsub.googleapis.com/projects/bench/topics/alerts',
  type: 'google.cloud.pubsub.topic.v1.messagePublished',
  time: new Date().toISOString(),
  data: {
    message: { data: Buffer.from(JSON.stringify(e)).toString('base64'), messageId: `bench-${n}`, publishTime: new Date().toISOString(), attributes: {} },
    subscription: 'projects/bench/subscriptions/alerts-notify',
  },
});

const line = (label: string, ms: number) =>
  `${label.padEnd(64)} ${ms.toFixed(0).padStart(6)} ms  ${(EVENTS / (ms / 1000)).toFixed(0).padStart(5)} notifications/s  ${(ms / EVENTS).toFixed(1).padStart(6)} ms each (at ${CONCURRENCY} at once)`;

const hook = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200).end('{}'));
});
await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
const stack = await startEmulators();
try {
  const e = stack.endpoints;
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
  const names = pipelineNames({ suffix: 'bench-notify' });
  await provision(clients, names);
  const all = events();
  console.log(`node ${process.version}; ${EVENTS} alarm events (${EVENTS / 2} tags, active + cleared), concurrency ${CONCURRENCY}`);

  // (a) the webhook POST alone.
  let t = performance.now();
  await pool(all, CONCURRENCY, (ev) => postJson(url, { text: `${ev.tag} ${ev.transition}` }, DEFAULT_RETRY));
  const baseline = performance.now() - t;
  console.log(line('(a) baseline: webhook POST alone', baseline));

  // (b) the handler, ledger included. Actives and clears of one tag go in order, as the ordered
  // alerts subscription delivers them (a cleared sent concurrently with its active would wait).
  const notify = createNotify({
    storage: clients.storage,
    settings: {
      rawBucket: names.buckets.raw,
      configBucket: names.buckets.config,
      webhookUrl: url,
      webhookFormat: 'slack',
      alarmEmails: [],
      notifyThrottleSeconds: 0,
      environment: 'bench',
    },
    log: createLogger({ function: 'notify', environment: 'bench' }, () => {}),
    catalogCheckEveryMs: 60_000,
  });
  const pairs = Array.from({ length: EVENTS / 2 }, (_, i) => [all[2 * i]!, all[2 * i + 1]!] as const);
  t = performance.now();
  await pool(pairs, CONCURRENCY, async ([active, cleared]) => {
    await notify(cloudEvent(active, 0));
    await notify(cloudEvent(cleared, 1));
  });
  const handler = performance.now() - t;
  console.log(line('(b) notify handler (ledger claim + confirm, wording, webhook)', handler));
  // (c) the ledger alone (claim + confirm), on fresh keys, to attribute (b).
  const ledger = createLedger(clients.storage.bucket(names.buckets.raw));
  const fresh = all.map((ev) => ({ ...ev, site: 'BENCH-02' }));
  const freshPairs = Array.from({ length: EVENTS / 2 }, (_, i) => [fresh[2 * i]!, fresh[2 * i + 1]!] as const);
  t = performance.now();
  await pool(freshPairs, CONCURRENCY, async (pair) => {
    for (const ev of pair) {
      const c = await ledger.claim(ev);
      if (c.decision === 'send') await c.claim.confirm();
    }
  });
  const ledgerOnly = performance.now() - t;
  console.log(line('(c) the ledger alone: claim + confirm', ledgerOnly));
  console.log(`ratio (b)/(a): ${(handler / baseline).toFixed(2)}x; the ledger (c) is ${((ledgerOnly / handler) * 100).toFixed(0)} % of (b)`);
  console.log(`memory: rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
} finally {
  await stack.stop();
  hook.close();
}
