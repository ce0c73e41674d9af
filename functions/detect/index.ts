// detect — Cloud Run function (CloudEvent) on the `readings-detect` push subscription: evaluates
// each ReadingBatch against the alarm rules in gs://CONFIG/rules/rules.yaml (reloaded when the
// object changes, checked at most every PLANTLAKE_CONFIG_CHECK_SECONDS), keeps per-site alarm state
// in the raw bucket, and sends transitions to the alerts topic and gs://RAW/alarm-events/.
import * as functions from '@google-cloud/functions-framework';
import { CONFIG_CHECK_SECONDS_ENV, functionRuntime, secondsSetting, stateShardsSetting } from '../adapters/function-runtime.ts';
import { readBatchLimits } from '../core/index.ts';
import { createDetect } from './detect.ts';

const { settings, clients, log } = functionRuntime('detect');

functions.cloudEvent(
  'detect',
  createDetect({
    storage: clients.storage,
    pubsub: clients.pubsub,
    rawBucket: settings.rawBucket,
    configBucket: settings.configBucket,
    alertsTopic: settings.alertsTopic,
    log,
    rulesCheckEveryMs: secondsSetting(process.env, CONFIG_CHECK_SECONDS_ENV, 10) * 1000,
    stateShards: stateShardsSetting(process.env),
    batchLimits: readBatchLimits(process.env),
  }),
);
