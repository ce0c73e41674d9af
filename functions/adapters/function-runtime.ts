// What every deployed function builds once per instance from its environment: its typed settings
// (only the variables it reads, functions/core/function-env.ts), the official clients
// (clients.ts, the one place they are built) and a Cloud Logging logger labelled with the
// function and environment. Each function's index.ts hands these to its folder's factory
// (functions/<fn>/wiring.ts), the same factory the local runtime calls.
import type { FunctionName } from '../core/resources.ts';
import { settingsFor, type SettingsOf } from '../core/function-env.ts';
import { createClients, targetFromEnv, type Clients } from './clients.ts';
import { createLogger, type Logger, type LogSink } from './log.ts';

export interface FunctionRuntime<F extends FunctionName> {
  readonly settings: SettingsOf<F>;
  readonly clients: Clients;
  readonly log: Logger;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Builds the runtime of a deployed function; a missing or bad variable stops the instance at start. */
export function functionRuntime<F extends FunctionName>(fn: F, env: Env = process.env, sink?: LogSink): FunctionRuntime<F> {
  const settings = settingsFor(fn, env);
  return {
    settings,
    clients: createClients(targetFromEnv(env as Record<string, string | undefined>)),
    log: createLogger({ function: fn, environment: (settings as { environment: string }).environment }, sink),
  };
}
