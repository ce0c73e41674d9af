// The panel's environment, read once at start from the config table (functions/core/function-env.ts);
// a missing or malformed value stops it with a message naming the variable. The Pulumi program
// (infra/components/panel.ts) and the local runtime (local/panel) set them.
import { ENV, settingsFor } from '../core/function-env.ts';
import type { PanelAccess } from '../core/index.ts';

export const PANEL_ENV = {
  access: ENV.panelAccess,
  audience: ENV.panelAudience,
  /** LOCAL ONLY: never set in Google Cloud. */
  localKeys: ENV.panelLocalKeys,
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

export function readPanelSettings(env: Env): PanelSettings {
  const s = settingsFor('panel', env);
  return {
    rawBucket: s.rawBucket,
    configBucket: s.configBucket,
    environment: s.environment,
    access: s.panelAccess,
    audience: s.panelAudience,
    localKeys: s.panelLocalKeys,
    port: s.port,
  };
}
