// sweep — Cloud Run function (HTTP) that Cloud Scheduler POSTs every minute with an OIDC token of
// its own identity: judges STALE for every site with an alarm state (sweep.ts), so a site that
// falls silent raises STALE. Answers 200 with the report, 500 when a site failed or there are no
// rules (Scheduler logs the failed attempt; the next tick judges again).
// No authentication code here on purpose: Cloud Run verifies the OIDC token before the request
// reaches this code, and only the sweep scheduler's identity may invoke it (infra/components/stale-sweep.ts).
import * as functions from '@google-cloud/functions-framework';
import { CONFIG_CHECK_SECONDS_ENV, functionRuntime, secondsSetting, stateShardsSetting } from '../adapters/function-runtime.ts';
import { createSweep } from './sweep.ts';

const { settings, clients, log } = functionRuntime('sweep');

const sweep = createSweep({
  storage: clients.storage,
  pubsub: clients.pubsub,
  rawBucket: settings.rawBucket,
  configBucket: settings.configBucket,
  alertsTopic: settings.alertsTopic,
  log,
  rulesCheckEveryMs: secondsSetting(process.env, CONFIG_CHECK_SECONDS_ENV, 10) * 1000,
  stateShards: stateShardsSetting(process.env),
});

functions.http('sweep', async (req, res) => {
  if (req.method !== 'POST') {
    res.status(405).json({ error: `use POST (got ${req.method}); Cloud Scheduler sends POST with body {}` });
    return;
  }
  const report = await sweep();
  res.status(report.status === 'succeeded' ? 200 : 500).json(report);
});
