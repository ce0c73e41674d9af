// Plays Cloud Scheduler for the STALE sweep on the emulators: serves the sweep as an HTTP function
// through the Functions Framework (as Cloud Run would) and POSTs `{}` to it every `everyMs`
// (production: every minute). `tick()` runs one at once, for tests and demos that compress time.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Sweep, SweepReport } from '../../functions/sweep/sweep.ts';

export interface SweepTick {
  readonly url: string;
  /** One scheduler call; resolves with the function's report. */
  tick(): Promise<SweepReport>;
  stop(): Promise<void>;
}

export async function startSweepTick(sweep: Sweep, options: { everyMs?: number; log?: (line: string) => void } = {}): Promise<SweepTick> {
  const name = `sweep-${randomBytes(4).toString('hex')}`;
  http(name, async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).json({ error: `use POST (got ${req.method})` });
      return;
    }
    const report = await sweep();
    res.status(report.status === 'succeeded' ? 200 : 500).json(report);
  });
  const server: Server = getTestServer(name);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let running: Promise<SweepReport> | undefined;
  const tick = async (): Promise<SweepReport> => {
    // Like a scheduler job: one attempt at a time (a tick that finds one running waits for it).
    while (running) await running.catch(() => undefined);
    running = (async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const report = (await res.json()) as SweepReport;
      if (!res.ok) log(`STALE sweep tick answered HTTP ${res.status}: ${report.message}`);
      return report;
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
  const timer =
    options.everyMs === undefined
      ? undefined
      : setInterval(() => void tick().catch((err: Error) => log(`STALE sweep tick failed: ${err.message}`)), options.everyMs);
  return {
    url,
    tick,
    async stop() {
      if (timer) clearInterval(timer);
      while (running) await running.catch(() => undefined);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
