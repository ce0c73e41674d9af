// Builds the panel from its settings and serves it with Hono's Node server: for Cloud Run
// (index.ts), npm start and the tests alike.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Storage } from '@google-cloud/storage';
import type { Logger } from '../adapters/log.ts';
import { createPanelApp } from './app.ts';
import { createIapVerifier } from './iap-assertion.ts';
import type { PanelSettings } from './settings.ts';
import { createSnapshotSource } from './snapshot-source.ts';

export interface ServedPanel {
  readonly url: string;
  close(): Promise<void>;
}

export async function startPanel(settings: PanelSettings, storage: Storage, log: Logger, host = '0.0.0.0', pollMs?: number): Promise<ServedPanel> {
  const verifier = createIapVerifier({ audience: settings.audience, ...(settings.localKeys === null ? {} : { keys: settings.localKeys }) });
  const source = createSnapshotSource({ raw: storage.bucket(settings.rawBucket), config: storage.bucket(settings.configBucket), log });
  const app = createPanelApp({ verifier, access: settings.access, source, log, ...(pollMs === undefined ? {} : { pollMs }) });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: settings.port, hostname: host }, () => resolve(s));
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
