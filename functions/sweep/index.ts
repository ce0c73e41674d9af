// sweep — Cloud Run function (HTTP) that Cloud Scheduler POSTs every minute with an OIDC token of
// its own identity: judges STALE for every site with an alarm state (sweep.ts), so a site that
// falls silent raises STALE. Answers 200 with the report, 500 when a site failed or there are no
// rules (Scheduler logs the failed attempt; the next tick judges again). Wired by wiring.ts.
// No authentication code here on purpose: Cloud Run verifies the OIDC token before the request
// reaches this code, and only the sweep scheduler's identity may invoke it (infra/components/stale-sweep.ts).
import * as functions from '@google-cloud/functions-framework';
import { functionRuntime } from '../adapters/function-runtime.ts';
import { wireSweep } from './wiring.ts';

const { settings, clients, log } = functionRuntime('sweep');

functions.http('sweep', wireSweep(settings, clients, log).http);
