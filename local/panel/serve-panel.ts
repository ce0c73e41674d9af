// The panel on the emulators, as npm start and the browser tests run it: the real service
// (functions/panel) on a loopback port, reached through the local IAP stand-in, whose URL is the
// one to open. Its settings go through the same reader as on Cloud Run.
import type { Clients } from '../../functions/adapters/clients.ts';
import { createLogger, type LogSink } from '../../functions/adapters/log.ts';
import { ENV } from '../../functions/core/function-env.ts';
import { startPanel } from '../../functions/panel/server.ts';
import { PANEL_ENV, readPanelSettings } from '../../functions/panel/settings.ts';
import type { PipelineNames } from '../provision.ts';
import { createLocalIap, readLocalIdentities, startLocalIapProxy, type LocalIap, type LocalIdentities } from './local-iap.ts';

/** The audience a local assertion carries; Cloud Run's is /projects/NUMBER/locations/REGION/services/NAME. */
export const LOCAL_AUDIENCE = '/projects/0/locations/local/services/plantlake-panel';

export interface LocalPanel {
  /** Open this one: the IAP stand-in (pick an identity at /_local-iap). */
  readonly url: string;
  /** The panel itself: answers 401 to anything without a valid assertion. */
  readonly panelUrl: string;
  readonly iap: LocalIap;
  readonly audience: string;
  readonly identities: LocalIdentities;
  stop(): Promise<void>;
}

export async function startLocalPanel(options: {
  clients: Clients;
  names: PipelineNames;
  port?: number;
  pollMs?: number;
  logSink?: LogSink;
  identities?: LocalIdentities;
}): Promise<LocalPanel> {
  const identities = options.identities ?? readLocalIdentities();
  const iap = createLocalIap();
  const settings = readPanelSettings({
    [ENV.rawBucket]: options.names.buckets.raw,
    [ENV.configBucket]: options.names.buckets.config,
    [ENV.environment]: 'local',
    [PANEL_ENV.access]: JSON.stringify(identities.access),
    [PANEL_ENV.audience]: LOCAL_AUDIENCE,
    [PANEL_ENV.localKeys]: JSON.stringify(iap.keys),
    PORT: '0',
  });
  const log = createLogger({ function: 'panel', environment: 'local' }, options.logSink);
  const panel = await startPanel(settings, options.clients.storage, log, '127.0.0.1', options.pollMs);
  try {
    const proxy = await startLocalIapProxy({
      target: panel.url,
      iap,
      audience: LOCAL_AUDIENCE,
      identities: identities.identities,
      ...(options.port === undefined ? {} : { port: options.port }),
    });
    return {
      url: proxy.url,
      panelUrl: panel.url,
      iap,
      audience: LOCAL_AUDIENCE,
      identities,
      stop: async () => {
        await proxy.close();
        await panel.close();
      },
    };
  } catch (err) {
    await panel.close();
    throw err;
  }
}
