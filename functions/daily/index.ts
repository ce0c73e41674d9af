// The daily function (HTTP): Cloud Scheduler POSTs `{}` once a day; the function loads every day
// whose raw objects changed since its last load, refreshes tags, runs the lifecycle, answers with
// the JSON report (500 when a day failed, so Scheduler retries; succeeded days are not redone)
// and logs one `daily.summary` entry.
// No authentication code here on purpose: Scheduler sends an OIDC token and Cloud Run verifies it
// before the request reaches this code; only the scheduler's service account may invoke the
// function (infra/components/schedule.ts), and nothing is invocable by allUsers.
import * as functions from '@google-cloud/functions-framework';
import { createClients, targetFromEnv, type Clients } from '../adapters/clients.ts';
import { createLogger } from '../adapters/log.ts';
import { LOG_EVENTS } from '../core/resources.ts';
import { createContext } from './context.ts';
import { LeaseHeldError, withLease } from './lease.ts';
import { parseDailyRequest } from './request.ts';
import { runDaily } from './run.ts';
import { dailySettings, DEFAULT_TIME_BUDGET_SECONDS } from './settings.ts';

const log = createLogger({ function: 'daily' });
let cached: { key: string; clients: Clients } | undefined;

/** Clients for the environment's target, built once per process (reused across requests). */
function clientsFromEnv(): Clients {
  const target = targetFromEnv();
  const key = JSON.stringify(target);
  if (cached?.key !== key) cached = { key, clients: createClients(target) };
  return cached.clients;
}

functions.http('daily', async (req, res) => {
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
    ctx = await createContext(clientsFromEnv(), dailySettings(process.env), log);
  } catch (err) {
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
        deadline: Date.now() + (r.budgetSeconds ?? DEFAULT_TIME_BUDGET_SECONDS) * 1000,
      }),
    );
    res.status(report.status === 'failed' ? 500 : 200).json(report);
  } catch (err) {
    if (!(err instanceof LeaseHeldError)) throw err;
    res.status(409).json({ status: 'held', error: err.message, lease: err.lease });
  }
});
