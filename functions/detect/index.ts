// detect — Cloud Run function (CloudEvent) on the `readings-detect` push subscription: evaluates
// each ReadingBatch against the alarm rules in gs://CONFIG/rules/rules.yaml (reloaded when the
// object changes, checked at most every PLANTLAKE_CONFIG_CHECK_SECONDS), keeps per-site alarm state
// in the raw bucket, and sends transitions to the alerts topic and gs://RAW/alarm-events/.
import * as functions from '@google-cloud/functions-framework';
import { functionRuntime } from '../adapters/function-runtime.ts';
import { wireDetect } from './wiring.ts';

const { settings, clients, log } = functionRuntime('detect');

functions.cloudEvent('detect', wireDetect(settings, clients, log));
