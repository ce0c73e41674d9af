// What every deployed function builds once per instance from its environment: typed settings
// (functions/core/function-env.ts), the official clients (clients.ts, the one place they are
// built) and a Cloud Logging logger labelled with the function and environment.
import type { FunctionName } from '../core/resources.ts';
import { ENV, readSettings, type FunctionSettings } from '../core/function-env.ts';
import { createClients, targetFromEnv, type Clients } from './clients.ts';
import { createLogger, type Logger, type LogSink } from './log.ts';

export interface FunctionRuntime {
  readonly settings: FunctionSettings;
  readonly clients: Clients;
  readonly log: Logger;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The buckets each function touches. */
const BUCKETS: Readonly<Record<FunctionName, readonly ('rawBucket' | 'configBucket')[]>> = {
  land: ['rawBucket'],
  detect: ['rawBucket', 'configBucket'],
  notify: ['configBucket'],
  daily: ['rawBucket', 'configBucket'],
  sweep: ['rawBucket', 'configBucket'],
};

const UNUSED = '(not used by this function)';

/**
 * Settings of one function. readSettings insists on both bucket variables; a function requires
 * only those it uses (the deployment sets both on every function, infra/env.ts, but a function
 * started by hand need not): the other is filled with a marker so the remaining settings are
 * still validated, and the marker never reaches a client. Throws, naming the variable, on a bad value.
 */
export function settingsFor(fn: FunctionName, env: Env): FunctionSettings {
  const filled: Record<string, string | undefined> = { ...env };
  for (const key of ['rawBucket', 'configBucket'] as const) {
    if (!BUCKETS[fn].includes(key) && !filled[ENV[key]]?.trim()) filled[ENV[key]] = UNUSED;
  }
  return readSettings(filled);
}

/** Builds the runtime of a deployed function; a missing variable stops the instance at start. */
export function functionRuntime(fn: FunctionName, env: Env = process.env, sink?: LogSink): FunctionRuntime {
  const settings = settingsFor(fn, env);
  return {
    settings,
    clients: createClients(targetFromEnv(env as Record<string, string | undefined>)),
    log: createLogger({ function: fn, environment: settings.environment }, sink),
  };
}

/**
 * Not (yet) in function-env.ts: seconds a checked generation of a config object (rules for
 * detect, tag catalog for notify) is trusted before its metadata is asked again. Default 10 s.
 */
export const CONFIG_CHECK_SECONDS_ENV = 'PLANTLAKE_CONFIG_CHECK_SECONDS';
/** Alarm state objects per site for detect and the sweep (functions/core/state-shards.ts); unset: 1. */
export const STATE_SHARDS_ENV = ENV.stateShards;

/** PLANTLAKE_STATE_SHARDS as a number (checked by the functions, which say what is wrong). */
export function stateShardsSetting(env: Env): number {
  const raw = env[STATE_SHARDS_ENV]?.trim();
  return raw ? Number(raw) : 1;
}

/** A number of seconds from an optional variable, with the variable named in the error. */
export function secondsSetting(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number of seconds ≥ 0; got "${raw}".`);
  return n;
}
