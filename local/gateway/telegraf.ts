// Runs the gateway, a real Telegraf built by telegraf-build.ts, with one of the shipped configs
// (gateway/telegraf/*.conf) and the environment those configs read. Used by the gateway tests and
// `npm start -- --gateway telegraf`. On the emulators Telegraf needs PUBSUB_EMULATOR_HOST and a
// well-formed service-account key file; the key is made here, fresh, and never leaves the machine.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../repo-root.ts';
import { buildTelegraf, telegrafBinary } from './telegraf-build.ts';

export type GatewayConfig = 'mqtt' | 'opcua' | 'modbus';
export const configPath = (name: GatewayConfig) => join(repoRoot, 'gateway', 'telegraf', `${name}.conf`);

export interface GatewaySettings {
  /** host:port of the Pub/Sub emulator. */
  readonly pubsubHost: string;
  readonly projectId: string;
  readonly readingsTopic: string;
  readonly site: string;
  /** Folder for the disk buffer and the throwaway key. */
  readonly stateDir: string;
  /** Extra variables of the config (MQTT_BROKER, OPCUA_ENDPOINT, MODBUS_CONTROLLER …). */
  readonly extra?: Readonly<Record<string, string>>;
}

export interface RunningTelegraf {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** The last lines Telegraf logged (its log goes to stderr). */
  log(): string;
  /** Sends a signal and waits for the exit (SIGKILL: a crash; SIGTERM: a clean stop that flushes). */
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** A service-account key file that the Google client libraries accept; only for the emulators. */
export function writeEmulatorKey(dir: string, projectId: string): string {
  mkdirSync(dir, { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const path = join(dir, 'emulator-key.json');
  const key = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: 'emulator',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `gateway@${projectId}.iam.gserviceaccount.com`,
    client_id: '0',
    token_uri: 'http://127.0.0.1:1/token',
  };
  writeFileSync(path, JSON.stringify(key), { mode: 0o600 });
  return path;
}

export function gatewayEnv(s: GatewaySettings): Record<string, string> {
  return {
    PUBSUB_EMULATOR_HOST: s.pubsubHost,
    PLANTLAKE_PROJECT: s.projectId,
    PLANTLAKE_READINGS_TOPIC: s.readingsTopic,
    PLANTLAKE_SITE: s.site,
    TELEGRAF_BUFFER_DIR: join(s.stateDir, 'buffer'),
    TELEGRAF_HOSTNAME: 'edge-gateway',
    GOOGLE_APPLICATION_CREDENTIALS: writeEmulatorKey(s.stateDir, s.projectId),
    ...s.extra,
  };
}

/** Starts Telegraf as a daemon (not --once: its disk buffer is meant for a long-running agent) with one or more config files. */
export async function startTelegraf(
  configs: readonly (GatewayConfig | string)[],
  env: Record<string, string>,
  options: { logFile?: string } = {},
): Promise<RunningTelegraf> {
  await buildTelegraf();
  const args = configs.flatMap((c) => ['--config', c.includes('/') ? c : configPath(c as GatewayConfig)]);
  if (env.TELEGRAF_BUFFER_DIR !== undefined) mkdirSync(env.TELEGRAF_BUFFER_DIR, { recursive: true });
  const child = spawn(telegrafBinary, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    if (options.logFile !== undefined) appendFileSync(options.logFile, chunk);
    lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (child.pid === undefined) throw new Error(`could not start ${telegrafBinary}`);
  return {
    pid: child.pid,
    exited,
    log: () => lines.join('\n'),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Bytes under a folder (the disk buffer's write-ahead log). */
export function bytesOnDisk(dir: string): number {
  let total = 0;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? bytesOnDisk(p) : st.size;
  }
  return total;
}
