// notify's one wiring, from its settings and clients to the CloudEvent handler: used by index.ts
// (Cloud Run) and by the local runtime (local/functions/pipeline.ts) alike.
import type { Clients } from '../adapters/clients.ts';
import type { Logger } from '../adapters/log.ts';
import type { RetryPolicy } from '../adapters/webhook-client.ts';
import type { NotifySettings } from '../core/function-env.ts';
import { createNotify, type NotifyHandler } from './notify.ts';

export interface NotifyWiringOptions {
  /** Tests shorten the webhook's retries; production keeps DEFAULT_RETRY. */
  readonly webhookRetry?: RetryPolicy;
}

export function wireNotify(settings: NotifySettings, clients: Pick<Clients, 'storage'>, log: Logger, options: NotifyWiringOptions = {}): NotifyHandler {
  return createNotify({
    storage: clients.storage,
    settings,
    log,
    catalogCheckEveryMs: settings.configCheckSeconds * 1000,
    ...(options.webhookRetry ? { webhookRetry: options.webhookRetry } : {}),
  });
}
