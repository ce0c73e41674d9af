// Starts the emulator stack as a child process and hands back where each service listens, plus
// the outage switch the control port offers (take one service down, bring it back on the same
// address). Used by the test suite's global setup, `npm run emulators` and `npm start`.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Target } from '../../functions/adapters/clients.ts';
import { binaryPath, buildEmulators } from './build.ts';

export interface EmulatorEndpoints {
  /** host:port of the Pub/Sub gRPC API (what PUBSUB_EMULATOR_HOST holds). */
  pubsub: string;
  /** http://host:port of the Cloud Storage JSON API. */
  storage: string;
  /** http://host:port of the BigQuery REST API. */
  bigquery: string;
  /** host:port of the BigQuery Storage gRPC API. */
  bigqueryGrpc: string;
  /** http://host:port of the stack's control API. */
  control: string;
}

export type EmulatedService = 'pubsub' | 'storage' | 'bigquery';

export interface StartOptions {
  /** Folder for Cloud Storage and BigQuery state; in memory when absent. */
  dataDir?: string;
  /** Fixed ports (a person's stack); 0 or absent picks free ports (tests). */
  ports?: Partial<Record<'pubsub' | 'storage' | 'bigquery' | 'bigqueryGrpc' | 'control', number>>;
  projectId?: string;
  /** Child output is passed through (a person's foreground stack) rather than kept quiet. */
  inheritOutput?: boolean;
}

export interface EmulatorStack {
  endpoints: EmulatorEndpoints;
  projectId: string;
  stop(): Promise<void>;
  /** Wait until the process exits (for a foreground stack). */
  exited: Promise<number | null>;
}

export const LOCAL_PROJECT_ID = 'plantlake-local';

/** Default ports of a person's stack, chosen to match the emulators' usual ones. */
export const DEFAULT_PORTS = { pubsub: 8085, storage: 4443, bigquery: 9050, bigqueryGrpc: 9060, control: 9099 };

const READY_PREFIX = 'plantlake-emulators ready ';

export async function startEmulators(options: StartOptions = {}): Promise<EmulatorStack> {
  await buildEmulators();
  const projectId = options.projectId ?? LOCAL_PROJECT_ID;
  const ports = { pubsub: 0, storage: 0, bigquery: 0, bigqueryGrpc: 0, control: 0, ...options.ports };
  const args = [
    `-project=${projectId}`,
    `-pubsub-port=${ports.pubsub}`,
    `-storage-port=${ports.storage}`,
    `-bigquery-port=${ports.bigquery}`,
    `-bigquery-grpc-port=${ports.bigqueryGrpc}`,
    `-control-port=${ports.control}`,
    // The child stops when our end of its stdin closes, so a crashed parent leaves no orphan.
    '-exit-on-eof',
  ];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push(`-data=${options.dataDir}`);
  }
  const child = spawn(binaryPath, args, { stdio: ['pipe', 'pipe', options.inheritOutput ? 'inherit' : 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const endpoints = await waitForReady(child, options.inheritOutput ?? false);
  return {
    endpoints,
    projectId,
    exited,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function waitForReady(child: ChildProcess, passThrough: boolean): Promise<EmulatorEndpoints> {
  const stderr: string[] = [];
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The emulator stack did not report ready within 120 s.\n${stderr.join('')}`));
    }, 120_000);
    lines.on('line', (line) => {
      if (line.startsWith(READY_PREFIX)) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(READY_PREFIX.length)) as EmulatorEndpoints);
      } else if (passThrough) {
        process.stdout.write(`${line}\n`);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `The emulator stack exited with code ${code} before it was ready.\n${stderr.join('')}\n` +
            `If a port is in use, stop what holds it (the usual ports are ${Object.values(DEFAULT_PORTS).join(', ')}), ` +
            'or start on free ports: npm start -- --free-ports (the tests always pick free ports).',
        ),
      );
    });
  });
}

/** The client target for a stack's endpoints (functions/adapters/clients.ts). */
export function emulatorTargetOf(endpoints: EmulatorEndpoints, projectId: string = LOCAL_PROJECT_ID): Target {
  return { kind: 'emulators', projectId, pubsub: endpoints.pubsub, storage: endpoints.storage, bigquery: endpoints.bigquery };
}

/** Takes one service of a running stack down (connections refused) or back up on the same address. */
export async function setServiceState(endpoints: Pick<EmulatorEndpoints, 'control'>, service: EmulatedService, state: 'down' | 'up'): Promise<void> {
  const res = await fetch(`${endpoints.control}/services/${service}/${state}`, { method: 'POST' });
  if (!res.ok) throw new Error(`Could not take ${service} ${state}: ${res.status} ${await res.text()}`);
}

/** Reads the health of a stack that may already be running (for `npm start` to reuse it). */
export async function probeStack(controlUrl: string): Promise<EmulatorEndpoints | undefined> {
  try {
    const res = await fetch(`${controlUrl}/health`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { endpoints: EmulatorEndpoints };
    return body.endpoints;
  } catch {
    return undefined;
  }
}
