// detect's one wiring, from its settings and clients to the CloudEvent handler: used by index.ts
// (Cloud Run) and by the local runtime (local/functions/pipeline.ts) alike. The options it shares
// with the STALE sweep come from functions/adapters/alarm-path-options.ts.
import { alarmPathOptions } from '../adapters/alarm-path-options.ts';
import type { Clients } from '../adapters/clients.ts';
import type { Logger } from '../adapters/log.ts';
import { batchLimitsOf } from '../core/batch-limits.ts';
import type { DetectSettings } from '../core/function-env.ts';
import { createDetect, type DetectHandler } from './detect.ts';

export function wireDetect(settings: DetectSettings, clients: Pick<Clients, 'storage' | 'pubsub'>, log: Logger): DetectHandler {
  return createDetect({ ...alarmPathOptions(settings, clients, log), batchLimits: batchLimitsOf(settings) });
}
