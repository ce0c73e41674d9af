// The one place where the official Google Cloud clients are built, for Google Cloud and for the
// local emulators alike. Everything else (functions, CLI, tests) asks here, so the emulator quirks
// below are handled once:
// - Pub/Sub: an apiEndpoint that is not *.googleapis.com switches the client to plain-text gRPC.
// - Cloud Storage: the Node client must get `apiEndpoint`; with STORAGE_EMULATOR_HOST set it builds
//   URLs without the /storage/v1 path, so that variable is refused here.
// - BigQuery: the client authorises every request even on a custom endpoint, so the emulator
//   target gets a static bearer token that the emulator ignores (no Google credentials needed).
//
// Each library is loaded on first use, not at import: a function that needs only Storage does not
// load Pub/Sub's and BigQuery's (importing the land bundle went from ~410 ms to ~290 ms here). The
// build lists all of them as dependencies of every function (scripts/build-functions.ts).
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type { BigQuery } from '@google-cloud/bigquery';
import type { PubSub } from '@google-cloud/pubsub';
import type { Storage } from '@google-cloud/storage';
import type { OAuth2Client } from 'google-auth-library';
import { CLIENT_SETTINGS } from '../core/function-env.ts';

const load = createRequire(import.meta.url);
const bigqueryLib = () => load('@google-cloud/bigquery') as typeof import('@google-cloud/bigquery');
const pubsubLib = () => load('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
const storageLib = () => load('@google-cloud/storage') as typeof import('@google-cloud/storage');
const authLib = () => load('google-auth-library') as typeof import('google-auth-library');

/** The client libraries this module may load; every function bundle must ship them. */
export const CLIENT_PACKAGES = ['@google-cloud/bigquery', '@google-cloud/pubsub', '@google-cloud/storage', 'google-auth-library'] as const;

export type Target =
  | { readonly kind: 'google'; readonly projectId?: string }
  | {
      readonly kind: 'emulators';
      readonly projectId: string;
      /** host:port of the Pub/Sub emulator. */
      readonly pubsub: string;
      /** http://host:port of the Cloud Storage emulator. */
      readonly storage: string;
      /** http://host:port of the BigQuery emulator. */
      readonly bigquery: string;
    };

/** Environment variables that point a process (a function, the CLI) at the emulators (declared in function-env.ts). */
export const EMULATOR_ENV = {
  pubsub: CLIENT_SETTINGS.pubsubEmulator.env,
  storage: CLIENT_SETTINGS.storageEmulator.env,
  bigquery: CLIENT_SETTINGS.bigqueryEmulator.env,
  projectId: CLIENT_SETTINGS.projectId.env,
} as const;

type Env = Record<string, string | undefined>;

/**
 * Reads the target from the environment: the emulators when all three emulator variables are set,
 * Google Cloud (Application Default Credentials) when none is. A partial set is a mistake.
 */
export function targetFromEnv(env: Env = process.env): Target {
  if (env.STORAGE_EMULATOR_HOST) {
    throw new Error(
      'STORAGE_EMULATOR_HOST is set, which makes the Node storage client build wrong URLs. ' +
        `Unset it and set ${EMULATOR_ENV.storage}=http://host:port instead.`,
    );
  }
  const set = [EMULATOR_ENV.pubsub, EMULATOR_ENV.storage, EMULATOR_ENV.bigquery].filter((k) => env[k]);
  const projectId = env[EMULATOR_ENV.projectId] ?? env.GOOGLE_CLOUD_PROJECT;
  if (set.length === 0) return projectId ? { kind: 'google', projectId } : { kind: 'google' };
  if (set.length < 3) {
    const missing = [EMULATOR_ENV.pubsub, EMULATOR_ENV.storage, EMULATOR_ENV.bigquery].filter((k) => !env[k]);
    throw new Error(`Only some emulator variables are set (${set.join(', ')}); also set ${missing.join(', ')}, ` + 'or unset them all to use Google Cloud.');
  }
  return {
    kind: 'emulators',
    projectId: projectId ?? 'plantlake-local',
    pubsub: env[EMULATOR_ENV.pubsub]!,
    storage: env[EMULATOR_ENV.storage]!,
    bigquery: env[EMULATOR_ENV.bigquery]!,
  };
}

/** The environment a child process needs to reach the same target. */
export function envForTarget(target: Target): Record<string, string> {
  if (target.kind === 'google') return target.projectId ? { [EMULATOR_ENV.projectId]: target.projectId } : {};
  return {
    [EMULATOR_ENV.pubsub]: target.pubsub,
    [EMULATOR_ENV.storage]: target.storage,
    [EMULATOR_ENV.bigquery]: target.bigquery,
    [EMULATOR_ENV.projectId]: target.projectId,
  };
}

/**
 * Emulators take any token. Handing the clients one stops google-auth-library from looking for
 * credentials, and from probing the GCE metadata server, on a machine that has none.
 */
function emulatorAuth(): OAuth2Client {
  const authClient = new (authLib().OAuth2Client)();
  authClient.setCredentials({ access_token: 'emulator', expiry_date: Date.now() + 10 * 365 * 24 * 3600_000 });
  return authClient;
}

export function createPubSub(target: Target): PubSub {
  const { PubSub } = pubsubLib();
  if (target.kind === 'google') return new PubSub(target.projectId ? { projectId: target.projectId } : {});
  return new PubSub({ projectId: target.projectId, apiEndpoint: target.pubsub, emulatorMode: true, authClient: emulatorAuth() });
}

/** The listener limit one Cloud Storage download needs (measured: 12 on its response body). */
export const STORAGE_STREAM_LISTENERS = 16;

/**
 * Raises Node's default listener limit (never lowers it) so Cloud Storage downloads stay quiet.
 * teeny-request hands out the fetch response body itself as "the response", so one download's
 * body is in three pipelines: node-fetch's into it, teeny-request's out to its request stream, and
 * the storage client's out through its hash check. That puts 11–12 'error' and 'close' listeners
 * on it, over Node's default of 10: a fixed count per request, released when the body ends, not a
 * leak, but Node prints a MaxListenersExceededWarning for each such stream (about 900 lines in the
 * function tests, and on stderr of every deployed function). The streams are made inside the
 * library, so the default is the one knob; 16 still reports a real leak, which grows without bound.
 */
export function allowStorageStreamListeners(): void {
  if (EventEmitter.defaultMaxListeners < STORAGE_STREAM_LISTENERS) EventEmitter.defaultMaxListeners = STORAGE_STREAM_LISTENERS;
}

export function createStorage(target: Target): Storage {
  const { Storage } = storageLib();
  allowStorageStreamListeners();
  if (target.kind === 'google') return new Storage(target.projectId ? { projectId: target.projectId } : {});
  return new Storage({ projectId: target.projectId, apiEndpoint: target.storage, authClient: emulatorAuth() });
}

/**
 * Seconds the BigQuery client may spend retrying one request, attempts included. retry-request
 * (under @google-cloud/common) checks its total timeout, 600 s by default, only before a retry,
 * and when it has passed it stops without calling back: the call then never settles, with no
 * socket and no timer left, and the run waits forever instead of failing. That needs an attempt
 * to fail after 600 s, which the emulator did (a query job of over 5 minutes inside jobs.insert,
 * its answer cut by the emulator's write deadline: the connection closed 12 minutes into the
 * replace and no callback came; bench:scale, 2026-12-02; emulators/main.go now serves it without
 * the deadline). With the total this
 * long, the retry counts (3 retries after an error, 3 after a retryable answer) end first, and
 * the call fails with the error.
 */
export const BIGQUERY_RETRY_TOTAL_SECONDS = 24 * 3600;

export function createBigQuery(target: Target, retryTotalSeconds = BIGQUERY_RETRY_TOTAL_SECONDS): BigQuery {
  const { BigQuery } = bigqueryLib();
  const retryOptions = { totalTimeout: retryTotalSeconds };
  if (target.kind === 'google') return new BigQuery({ ...(target.projectId ? { projectId: target.projectId } : {}), retryOptions });
  return new BigQuery({ projectId: target.projectId, apiEndpoint: target.bigquery, authClient: emulatorAuth(), retryOptions });
}

export interface Clients {
  readonly target: Target;
  readonly pubsub: PubSub;
  readonly storage: Storage;
  readonly bigquery: BigQuery;
}

/** Builds each client on first use only: a function that needs Storage never loads BigQuery's auth. */
export function createClients(target: Target): Clients {
  let pubsub: PubSub | undefined;
  let storage: Storage | undefined;
  let bigquery: BigQuery | undefined;
  return {
    target,
    get pubsub() {
      return (pubsub ??= createPubSub(target));
    },
    get storage() {
      return (storage ??= createStorage(target));
    },
    get bigquery() {
      return (bigquery ??= createBigQuery(target));
    },
  };
}
