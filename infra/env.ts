// Which environment variables each deployed function receives, derived from the config table
// (functions/core/function-env.ts): a function gets every variable it reads whose source is the
// Pulumi program ('pulumi', or 'secret' from Secret Manager), and nothing else; the panel likewise. A name is not a
// permission; the IAM grants decide access. infra/components/functions.ts supplies the values.
import { ENV, SETTINGS, type SettingKey, type SettingReader } from '../functions/core/function-env.ts';
import { FUNCTIONS, type FunctionName } from '../functions/core/resources.ts';

export { ENV };

type Table = typeof SETTINGS;
/** Keys the Pulumi program sets on at least one function (the panel's are set in components/panel.ts). */
export type EnvKey = {
  [K in SettingKey]: Table[K]['source'] extends 'pulumi' | 'secret' ? (Extract<Table[K]['readers'][number], FunctionName> extends never ? never : K) : never;
}[SettingKey];

/** Keys the Pulumi program sets on the panel (infra/components/panel.ts). */
export type PanelEnvKey = {
  [K in SettingKey]: Table[K]['source'] extends 'pulumi' ? ('panel' extends Table[K]['readers'][number] ? K : never) : never;
}[SettingKey];

const setByPulumi = (k: SettingKey): boolean => SETTINGS[k].source === 'pulumi' || SETTINGS[k].source === 'secret';

/** The keys the Pulumi program sets on one reader, in table order. */
export function pulumiKeysOf(reader: SettingReader): SettingKey[] {
  return (Object.keys(SETTINGS) as SettingKey[]).filter((k) => setByPulumi(k) && (SETTINGS[k].readers as readonly SettingReader[]).includes(reader));
}

export const FUNCTION_ENV: Readonly<Record<FunctionName, readonly EnvKey[]>> = Object.fromEntries(
  FUNCTIONS.map((fn) => [fn, pulumiKeysOf(fn) as EnvKey[]]),
) as unknown as Record<FunctionName, readonly EnvKey[]>;

/** Variables injected from Secret Manager rather than set as plain values. */
export const SECRET_ENV: readonly EnvKey[] = (Object.keys(SETTINGS) as SettingKey[]).filter((k) => SETTINGS[k].source === 'secret') as EnvKey[];
