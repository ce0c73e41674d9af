// The daily function (HTTP): Cloud Scheduler POSTs `{}` once a day; the function loads every day
// whose raw objects changed since its last load, refreshes tags, runs the lifecycle, answers with
// the JSON report (500 when a day failed, so Scheduler retries; succeeded days are not redone)
// and logs one `daily.summary` entry. The handler is built by wiring.ts.
// No authentication code here on purpose: Scheduler sends an OIDC token and Cloud Run verifies it
// before the request reaches this code; only the scheduler's service account may invoke the
// function (infra/components/schedule.ts), and nothing is invocable by allUsers.
import * as functions from '@google-cloud/functions-framework';
import { functionRuntime } from '../adapters/function-runtime.ts';
import { wireDaily } from './wiring.ts';

const { settings, clients, log } = functionRuntime('daily');

functions.http('daily', wireDaily(settings, clients, log));
