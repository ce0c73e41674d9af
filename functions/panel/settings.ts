// The panel's environment, read once at start; a missing or malformed value stops it with a
// message naming the variable. The Pulumi program (infra/components/panel.ts) and the local
// runtime (local/panel) set them.
import { ENV } from '../core/function-env.ts';
import { parsePanelAccess, type PanelAccess } from '../core/index.ts';

export const PANEL_ENV = {
  /** JSON {headOffice: [members], sites: {SITE: [members]}} (stack config panelAccess). */
  access: 'PLANTLAKE_PANEL_ACCESS',
  /** Expected `aud` of the IAP assertion: /projects/NUMBER/locations/REGION/services/NAME. */
  audience: 'PLANTLAKE_PANEL_IAP_AUDIENCE',
  /** LOCAL ONLY: JSON {kid: PEM public key} that replaces IAP's published keys. Never set in Google Cloud. */
  localKeys: 'PLANTLAKE_PANEL_LOCAL_IAP_KEYS',
} as const;

export interface PanelSettings {
  readonly rawBucket: string;
  readonly configBucket: string;
  readonly environment: string;
  readonly access: PanelAccess;
  readonly audience: string;
  readonly localKeys: Readonly<Record<string, string>> | null;
  readonly port: number;
}

type Env = Readonly<Record<string, string | undefined>>;

function required(env: Env, name: string, what: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set: ${what}. The deployment (Pulumi, or npm start) sets it.`);
  return value;
}

function json(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${name} is not JSON (${(err as Error).message}); set it to the JSON the deployment writes.`);
  }
}

export function readPanelSettings(env: Env): PanelSettings {
  const accessText = required(env, PANEL_ENV.access, 'who may see which site');
  const access = parsePanelAccess(json(PANEL_ENV.access, accessText), PANEL_ENV.access);
  if (!access.ok) throw new Error(access.reason);
  const keysText = env[PANEL_ENV.localKeys]?.trim();
  let localKeys: Record<string, string> | null = null;
  if (keysText) {
    const keys = json(PANEL_ENV.localKeys, keysText);
    if (keys === null || typeof keys !== 'object' || Object.values(keys).some((k) => typeof k !== 'string' || !k.includes('BEGIN PUBLIC KEY'))) {
      throw new Error(`${PANEL_ENV.localKeys} must map key ids to PEM public keys; it is for local runs only, unset it in Google Cloud.`);
    }
    localKeys = keys as Record<string, string>;
  }
  const port = Number(env.PORT ?? '8080');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number; got "${env.PORT}".`);
  return {
    rawBucket: required(env, ENV.rawBucket, 'the bucket holding live/'),
    configBucket: required(env, ENV.configBucket, 'the bucket holding the tag catalog'),
    environment: env[ENV.environment]?.trim() || 'unknown',
    access: access.access,
    audience: required(env, PANEL_ENV.audience, 'the IAP audience of this service'),
    localKeys,
    port,
  };
}
