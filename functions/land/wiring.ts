// land's one wiring, from its settings and clients to the CloudEvent handler: used by index.ts
// (Cloud Run) and by the local runtime (local/functions/pipeline.ts) alike.
import type { Clients } from '../adapters/clients.ts';
import type { Logger } from '../adapters/log.ts';
import { batchLimitsOf } from '../core/batch-limits.ts';
import type { LandSettings } from '../core/function-env.ts';
import { createLand, type LandHandler } from './land.ts';

export function wireLand(settings: LandSettings, clients: Pick<Clients, 'storage'>, log: Logger): LandHandler {
  return createLand({ storage: clients.storage, rawBucket: settings.rawBucket, log, limits: batchLimitsOf(settings) });
}
