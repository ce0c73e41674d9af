// land — Cloud Run function (CloudEvent) on the `readings-land` push subscription: writes each
// ReadingBatch to gs://RAW/readings/dt=YYYY-MM-DD/site=S/<batchId>.ndjson.gz (once per UTC day,
// create-only, so redeliveries and resends land once) and quarantines invalid input with its
// reason under gs://RAW/quarantine/. Settings come from the environment (function-env.ts).
import * as functions from '@google-cloud/functions-framework';
import { functionRuntime } from '../adapters/function-runtime.ts';
import { wireLand } from './wiring.ts';

const { settings, clients, log } = functionRuntime('land');

functions.cloudEvent('land', wireLand(settings, clients, log));
