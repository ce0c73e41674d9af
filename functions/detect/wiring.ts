// detect's one wiring, from its settings and clients to the CloudEvent handler: used by index.ts
// (Cloud Run) and by the local runtime (local/functions/pipeline.ts) alike. alarmPathOptions is
// what detect and the STALE sweep share (sweep/wiring.ts): both commit alarm state through
// detect's path, so they read the same variables the same way.
import type { Clients } from '../adapters/clients.ts';
import type { Logger } from '../adapters/log.ts';
import { batchLimitsOf } from '../core/batch-limits.ts';
import type { DetectSettings, SweepSettings } from '../core/function-env.ts';
import { createDetect, type DetectHandler, type DetectOptions } from './detect.ts';

type AlarmPathSettings = Pick<DetectSettings & SweepSettings, 'rawBucket' | 'configBucket' | 'alertsTopic' | 'configCheckSeconds' | 'stateShards'>;
type AlarmPathOptions = Pick<DetectOptions, 'storage' | 'pubsub' | 'rawBucket' | 'configBucket' | 'alertsTopic' | 'log' | 'rulesCheckEveryMs' | 'stateShards'>;

export function alarmPathOptions(settings: AlarmPathSettings, clients: Pick<Clients, 'storage' | 'pubsub'>, log: Logger): AlarmPathOptions {
  return {
    storage: clients.storage,
    pubsub: clients.pubsub,
    rawBucket: settings.rawBucket,
    configBucket: settings.configBucket,
    alertsTopic: settings.alertsTopic,
    log,
    rulesCheckEveryMs: settings.configCheckSeconds * 1000,
    stateShards: settings.stateShards,
  };
}

export function wireDetect(settings: DetectSettings, clients: Pick<Clients, 'storage' | 'pubsub'>, log: Logger): DetectHandler {
  return createDetect({ ...alarmPathOptions(settings, clients, log), batchLimits: batchLimitsOf(settings) });
}
