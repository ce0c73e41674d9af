// What detect and the STALE sweep share when they are wired (functions/detect/wiring.ts,
// functions/sweep/wiring.ts): both commit alarm state through the same path (site-commit.ts,
// deliver-outbox.ts), so they read the same settings the same way. It lives here, below both,
// because a function folder never imports another.
import type { Clients } from './clients.ts';
import type { Logger } from './log.ts';
import type { DetectSettings, SweepSettings } from '../core/function-env.ts';

export type AlarmPathSettings = Pick<DetectSettings & SweepSettings, 'rawBucket' | 'configBucket' | 'alertsTopic' | 'configCheckSeconds' | 'stateShards'>;

export interface AlarmPathOptions {
  readonly storage: Clients['storage'];
  readonly pubsub: Clients['pubsub'];
  readonly rawBucket: string;
  readonly configBucket: string;
  readonly alertsTopic: string;
  readonly log: Logger;
  readonly rulesCheckEveryMs: number;
  readonly stateShards: number;
}

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
