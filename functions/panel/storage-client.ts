// The panel's one client, Cloud Storage, imported statically so the bundle carries it: Cloud Run
// runs the panel from its source archive with nothing installed (scripts/build-panel.ts), unlike
// the functions, whose clients.ts loads libraries lazily from node_modules.
import { Storage } from '@google-cloud/storage';
import { OAuth2Client } from 'google-auth-library';
import { allowStorageStreamListeners, targetFromEnv } from '../adapters/clients.ts';

type Env = Record<string, string | undefined>;

export function panelStorage(env: Env = process.env): Storage {
  const target = targetFromEnv(env);
  allowStorageStreamListeners(); // the same downloads as the functions' client (clients.ts)
  if (target.kind === 'google') return new Storage(target.projectId ? { projectId: target.projectId } : {});
  // Emulators take any token; a fixed one keeps the library from looking for credentials.
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 10 * 365 * 24 * 3600_000 });
  return new Storage({ projectId: target.projectId, apiEndpoint: target.storage, authClient });
}
