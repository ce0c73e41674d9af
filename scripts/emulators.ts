// `npm run emulators`: the emulator stack in the foreground for a person, on the usual ports,
// with state kept in .plantlake/emulators (or in memory with --memory). Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { envForTarget } from '../functions/adapters/clients.ts';
import { repoRoot } from '../local/repo-root.ts';
import { DEFAULT_PORTS, emulatorTargetOf, LOCAL_PROJECT_ID, probeStack, startEmulators, type EmulatorEndpoints } from '../local/emulators/stack.ts';
import { assertNodeVersion } from '../cli/node-version.ts';

const HELP = `Usage: npm run emulators -- [--memory] [--data DIR]

Starts the local Pub/Sub, Cloud Storage and BigQuery emulators on ${Object.values(DEFAULT_PORTS).join(', ')}.
  --memory    keep no state on disk
  --data DIR  folder for Cloud Storage and BigQuery state (default .plantlake/emulators)`;

export function describeStack(endpoints: EmulatorEndpoints, projectId: string): string {
  const env = envForTarget(emulatorTargetOf(endpoints, projectId));
  return [
    `plantlake emulators (project ${projectId})`,
    `  Pub/Sub    ${endpoints.pubsub}`,
    `  Storage    ${endpoints.storage}`,
    `  BigQuery   ${endpoints.bigquery}`,
    `  control    ${endpoints.control}  (GET /health, POST /services/<name>/down|up)`,
    'Point plantlake tools at them with:',
    `  export ${Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  ].join('\n');
}

async function main(): Promise<void> {
  assertNodeVersion();
  const { values } = parseArgs({
    options: { memory: { type: 'boolean' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const running = await probeStack(`http://127.0.0.1:${DEFAULT_PORTS.control}`);
  if (running) {
    console.log(`${describeStack(running, LOCAL_PROJECT_ID)}\nA stack is already running; leaving it as it is.`);
    return;
  }
  const dataDir = values.memory ? undefined : (values.data ?? join(repoRoot, '.plantlake', 'emulators'));
  const stack = await startEmulators({ ports: DEFAULT_PORTS, inheritOutput: true, ...(dataDir ? { dataDir } : {}) });
  console.log(describeStack(stack.endpoints, stack.projectId));
  console.log(dataDir ? `State is kept in ${dataDir} (Pub/Sub's in memory). Ctrl-C stops.` : 'State in memory. Ctrl-C stops.');
  const stop = () => void stack.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const code = await stack.exited;
  process.exitCode = code ?? 0;
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
