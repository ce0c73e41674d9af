// The daily function's one wiring, from its settings and clients to the HTTP handler: used by
// index.ts (Cloud Run) and by the tests alike. Cloud Scheduler POSTs `{}`; a request body may ask
// for a back-fill (request.ts). 500 when a day failed (Scheduler retries; succeeded days are not
// redone), 409 while another run holds the lease.
import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Clients } from '../adapters/clients.ts';
import type { Logger } from '../adapters/log.ts';
import type { DailyEnvSettings } from '../core/function-env.ts';
import { LOG_EVENTS } from '../core/resources.ts';
import { createContext } from './context.ts';
import { LeaseHeldError, withLease } from './lease.ts';
import { parseDailyRequest } from './request.ts';
import { runDaily } from './run.ts';
import { dailySettingsOf } from './settings.ts';

export function wireDaily(settings: DailyEnvSettings, clients: Pick<Clients, 'storage' | 'bigquery'>, log: Logger): HttpFunction {
  const daily = dailySettingsOf(settings);
  return async (req, res) => {
    if (req.method !== 'POST') {
      res.status(405).json({ error: `use POST (got ${req.method}); Cloud Scheduler sends POST with body {}` });
      return;
    }
    const parsed = parseDailyRequest(req.body);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.reason });
      return;
    }
    const r = parsed.request;
    let ctx;
    try {
      ctx = await createContext(clients, daily, log);
    } catch (err) {
      // The settings were checked at start; what fails here is the project lookup of the clients.
      const message = `the daily function is misconfigured: ${(err as Error).message}`;
      log.log('ERROR', message, { event: LOG_EVENTS.dailySummary, status: 'failed', days: [], rows: 0, durationMs: 0 });
      res.status(500).json({ status: 'failed', error: message });
      return;
    }
    const mode = r.from === undefined ? 'daily' : 'backfill';
    const holder = mode === 'daily' ? 'scheduled daily' : `http backfill ${r.from}..${r.to ?? r.from}`;
    try {
      // One run at a time (lease.ts); a held lease answers 409, and Cloud Scheduler retries later.
      const report = await withLease(ctx.raw, { runId: ctx.runId, holder, log }, () =>
        runDaily(ctx, {
          mode,
          from: r.from,
          to: r.to ?? r.from,
          force: r.force,
          lifecycle: r.lifecycle,
          deadline: Date.now() + (r.budgetSeconds ?? settings.dailyTimeBudgetSeconds) * 1000,
        }),
      );
      res.status(report.status === 'failed' ? 500 : 200).json(report);
    } catch (err) {
      if (!(err instanceof LeaseHeldError)) throw err;
      res.status(409).json({ status: 'held', error: err.message, lease: err.lease });
    }
  };
}
