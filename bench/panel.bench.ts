/// <reference lib="dom" />
// Benchmark of the live panel on the emulators: how long from publishing a reading to seeing it
// on an open page in Chromium.
//   node bench/panel.bench.ts      (BENCH_PANEL_SAMPLES overrides the number of readings, default 40)
// Each sample publishes one batch to Pub/Sub with a new value and measures two times from the
// publish call:
//   (a) baseline: until detect (through the local push delivery) has written the value into the
//       site's live snapshot, polled on the Storage emulator every 20 ms;
//   (b) until the value is on screen: a MutationObserver in the page records when the cell shows
//       it, after the panel's snapshot cache (1.5 s), its stream poll (1 s) and the SSE push.
// Prints p50/p90/p99/max of both, the ratio, and the snapshot's size; asserts nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClients } from '../functions/adapters/clients.ts';
import { deserializeSnapshot, OBJECTS } from '../functions/core/index.ts';
import { repoRoot } from '../local/repo-root.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { startLocalFunctions } from '../local/functions/pipeline.ts';
import { launchChromium } from '../local/panel/chromium.ts';
import { startLocalPanel } from '../local/panel/serve-panel.ts';
import { pipelineNames, provision } from '../local/provision.ts';

const SAMPLES = Number(process.env.BENCH_PANEL_SAMPLES ?? 40);
const SITE = 'REF-01';
const TAG = '10EGC10CP001';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stack = await startEmulators();
try {
  const e = stack.endpoints;
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
  const names = pipelineNames({ suffix: 'benchpanel' });
  await provision(clients, names);
  const config = clients.storage.bucket(names.buckets.config);
  await config.file(OBJECTS.tagCatalog).save(readFileSync(join(repoRoot, 'config', 'tags.yaml')), { resumable: false });
  await config.file(OBJECTS.rules).save(readFileSync(join(repoRoot, 'config', 'rules.yaml')), { resumable: false });
  const fns = await startLocalFunctions({ clients, names, functions: ['detect'], logSink: () => {}, delivery: { log: () => {} } });
  const panel = await startLocalPanel({ clients, names, logSink: () => {} });
  const browser = await launchChromium();
  const raw = clients.storage.bucket(names.buckets.raw);
  const topic = clients.pubsub.topic(names.topics.readings);
  let seq = 0;
  const publish = (value: number) =>
    topic.publishMessage({
      data: Buffer.from(
        JSON.stringify({
          batchId: `bp-${++seq}`,
          site: SITE,
          source: 'bench',
          sentAt: new Date().toISOString(),
          readings: [{ tag: TAG, ts: new Date().toISOString(), value, quality: 'good', unit: 'bar' }],
        }),
      ),
      attributes: { site: SITE },
    });
  const snapshotShows = async (value: number) => {
    try {
      const [bytes] = await raw.file(OBJECTS.liveSnapshot(SITE)).download();
      const s = deserializeSnapshot(bytes.toString(), SITE);
      return s.ok && s.snapshot.tags.find((t) => t.tag === TAG)?.value === value;
    } catch {
      return false;
    }
  };
  try {
    await publish(1); // the site's first snapshot, so the page has the row to update
    while (!(await snapshotShows(1))) await sleep(50);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${panel.url}/_local-iap/as/office%40plantlake.local`);
    await page.goto(`${panel.url}/sites/${SITE}`);
    await page.waitForSelector(`tr[data-tag="${TAG}"]`);
    await page.evaluate(() => {
      const w = window as unknown as { seen: Record<string, number> };
      w.seen = {};
      new MutationObserver(() => {
        const text = document.querySelector('tr[data-tag="10EGC10CP001"] td.value')?.textContent?.trim();
        if (text !== undefined && w.seen[text] === undefined) w.seen[text] = Date.now();
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
    const toSnapshot: number[] = [];
    const toScreen: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const value = 100 + i; // whole numbers: the cell shows them as they are
      const t0 = Date.now();
      await publish(value);
      while (!(await snapshotShows(value))) await sleep(20);
      toSnapshot.push(Date.now() - t0);
      const seenAt = await page.waitForFunction((v) => (window as unknown as { seen: Record<string, number> }).seen[String(v)], value, {
        timeout: 30_000,
        polling: 50,
      });
      toScreen.push(((await seenAt.jsonValue()) as number) - t0);
      await sleep(300 + Math.random() * 700); // spread the samples over the panel's poll phase
    }
    const [bytes] = await raw.file(OBJECTS.liveSnapshot(SITE)).download();
    const row = (label: string, xs: number[]) =>
      `${label.padEnd(44)} p50 ${String(pct(xs, 50)).padStart(5)} ms  p90 ${String(pct(xs, 90)).padStart(5)} ms  p99 ${String(pct(xs, 99)).padStart(5)} ms  max ${String(Math.max(...xs)).padStart(5)} ms`;
    console.log(`node ${process.version}; ${SAMPLES} readings published one at a time; panel stream poll 1 s, snapshot cache 1.5 s`);
    console.log(row('(a) publish → value in the live snapshot', toSnapshot));
    console.log(row('(b) publish → value on screen (Chromium, SSE)', toScreen));
    console.log(
      `ratio (b)/(a): p50 ${(pct(toScreen, 50) / pct(toSnapshot, 50)).toFixed(2)}×, p99 ${(pct(toScreen, 99) / pct(toSnapshot, 99)).toFixed(2)}×; snapshot of ${SITE} with one tag: ${bytes.byteLength} bytes`,
    );
    await context.close();
  } finally {
    await browser.close();
    await panel.stop();
    await fns.stop();
  }
} finally {
  await stack.stop();
}
