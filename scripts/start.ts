// `npm start`: the whole pipeline on the local emulators with a simulated plant — readings in,
// alarms raised and cleared, raw data landed, the day loaded into BigQuery, old data moved to
// Coldline — ending with an analyst's report and how to query further. No Google account needed.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { kksTag, pastDay, siteId } from '../cli/option-values.ts';
import { createClients, envForTarget } from '../functions/adapters/clients.ts';
import { analystReport, formatReport } from '../local/analyst-report.ts';
import { daysAgo, runDemo } from '../local/demo.ts';
import {
  DEFAULT_PORTS,
  emulatorTargetOf,
  LOCAL_PROJECT_ID,
  probeStack,
  startEmulators,
  type EmulatorEndpoints,
  type EmulatorStack,
} from '../local/emulators/stack.ts';
import { assertNodeVersion } from '../cli/node-version.ts';
import { replayCsv } from '../local/plant/replay.ts';
import { pipelineEnv, pipelineNames } from '../local/provision.ts';
import { startLocalPanel } from '../local/panel/serve-panel.ts';

/** Port of the live panel (its local IAP stand-in) on npm start, unless --free-ports. */
const PANEL_PORT = 8090;
import { servePipeline } from '../local/serve.ts';

interface StartOptions {
  speed: number;
  day: string;
  hours: [number, number];
  replay?: string;
  replayTag: string;
  replaySite: string;
  exit?: boolean;
  freePorts?: boolean;
  serve?: boolean;
  gateway?: 'telegraf';
  dailyEvery: number;
}

function hoursRange(value: string): [number, number] {
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(value);
  const [from, to] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(from >= 0 && to <= 24 && from < to))
    throw new InvalidArgumentError(`"${value}" is not an hour range; write FROM-TO, e.g. 8-16 (0-24 is the whole day).`);
  return [from, to];
}

function number(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a number ≥ 0.`);
  return n;
}

const program = new Command('npm start --')
  .description('Run plantlake end to end on the local emulators with a simulated plant.')
  .addOption(new Option('--speed <x>', 'simulated seconds per real second (0: as fast as possible)').argParser(number).default(1440))
  .addOption(new Option('--day <YYYY-MM-DD>', 'UTC day to simulate (older than 1 day, so the lifecycle can move it)').argParser(pastDay()).default(daysAgo(2)))
  .addOption(new Option('--hours <from-to>', 'hours of the day to simulate').argParser(hoursRange).default([0, 24] as [number, number], '0-24'))
  .option(
    '--replay <csv>',
    'replay a recorded series (timestamp,value CSV, e.g. test/fixtures/nab/machine_temperature_system_failure.csv) instead of the simulated plant',
  )
  .option('--replay-tag <kks>', 'KKS tag of the replayed series', kksTag, '10MKA10CT001')
  .option('--replay-site <site>', 'site of the replayed series', siteId, 'NAB')
  .option('--exit', 'stop the emulators at the end instead of keeping them for queries')
  .option('--free-ports', 'start the emulators on free ports rather than the usual ones')
  .option('--serve', 'keep land, detect, notify and the emulators running for a gateway of your own, with the daily job on a tick (no scripted day)')
  .addOption(new Option('--gateway <kind>', 'with --serve: also run the demo plant through a real OPC UA server and Telegraf').choices(['telegraf']))
  .addOption(new Option('--daily-every <minutes>', 'with --serve: minutes between daily runs').argParser(number).default(5));

async function emulators(freePorts: boolean): Promise<{ endpoints: EmulatorEndpoints; projectId: string; stack?: EmulatorStack }> {
  if (!freePorts) {
    const running = await probeStack(`http://127.0.0.1:${DEFAULT_PORTS.control}`);
    if (running) {
      console.log('Using the emulator stack already running on the usual ports.');
      return { endpoints: running, projectId: LOCAL_PROJECT_ID };
    }
  }
  console.log('Starting the emulator stack (Pub/Sub, Cloud Storage, BigQuery)…');
  const stack = await startEmulators(freePorts ? {} : { ports: DEFAULT_PORTS });
  return { endpoints: stack.endpoints, projectId: stack.projectId, stack };
}

async function main(): Promise<void> {
  assertNodeVersion();
  // The storage client's HTTP layer (teeny-request) pipes each download stream into a PassThrough
  // that collects more than 10 listeners while many objects are read at once, and Node then prints
  // a MaxListenersExceededWarning per stream: hundreds of lines in a daily run, none of them a leak.
  EventEmitter.defaultMaxListeners = 64;
  const opts = program.parse().opts<StartOptions>();
  const t0 = Date.now();
  const { endpoints, projectId, stack } = await emulators(opts.freePorts ?? false);
  const target = emulatorTargetOf(endpoints, projectId);
  const clients = createClients(target);
  // A reused stack may hold an earlier run: a fresh suffix keeps this run's alarms and loads its own.
  const names = pipelineNames(stack ? {} : { suffix: `run${new Date().toISOString().slice(11, 19).replaceAll(':', '')}` });

  // The live panel, served from the start so its pages update while the day is published.
  const panel = await startLocalPanel({ clients, names, port: opts.freePorts ? 0 : PANEL_PORT, logSink: () => {} });
  const panelLine = `Live panel: ${panel.url}/_local-iap (pick a local identity from local/panel/identities.yaml; local only, IAP stands in)`;
  console.log(panelLine);
  if (opts.serve || opts.gateway) return serve(opts, { endpoints, projectId, stack, target, clients, names, panel });

  const batches = opts.replay ? replayCsv(readFileSync(opts.replay, 'utf8'), { tag: opts.replayTag, site: opts.replaySite }) : undefined;
  const result = await runDemo({ clients, names, day: opts.day, hours: opts.hours, speed: opts.replay ? 0 : opts.speed, ...(batches ? { batches } : {}) });
  const reportDay = batches ? (result.daily.days.find((d) => d.status === 'succeeded')?.day ?? opts.day) : result.day;

  console.log(`\nAnalyst's report for ${reportDay}, from the views in sql/views:`);
  const tags = batches ? [opts.replayTag] : ['10EGB10CL001', '10EGC10CP001'];
  console.log(formatReport(await analystReport(clients.bigquery, projectId, names.dataset, reportDay, tags)));

  const env = { ...envForTarget(target), ...pipelineEnv(names) };
  // A reused stack's pipeline has suffixed names; status must be told its dead-letter subscriptions.
  const deadLetters = stack ? '' : ` --dead-letter ${Object.values(names.deadLetterSubscriptions).join(' ')}`;
  console.log(
    [
      '',
      `Done in ${((Date.now() - t0) / 1000).toFixed(0)} s: ${result.readings.toLocaleString('en')} readings published, ` +
        `${result.notifications.length} alarm notifications, ${result.daily.rowsLoaded.toLocaleString('en')} rows loaded.`,
      '',
      'Query further (in another terminal, from this folder):',
      `  export ${Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      `  npx plantlake query 'SELECT tag, hour_start, max_value FROM \`\${project}.\${dataset}.readings_hourly\` WHERE day = "${reportDay}" ORDER BY max_value DESC LIMIT 5'`,
      '  npx plantlake query alarm_intervals',
      `  npx plantlake status${deadLetters}`,
      '  npx plantlake --help',
      '',
      panelLine,
    ].join('\n'),
  );
  if (opts.exit) {
    await panel.stop();
    await stack?.stop();
    return;
  }
  if (!stack) {
    console.log('\nThe panel keeps running; Ctrl-C stops it.');
    const stopPanel = () => void panel.stop();
    process.on('SIGINT', stopPanel);
    process.on('SIGTERM', stopPanel);
    return;
  }
  console.log('\nThe emulators and the panel keep running for your queries; Ctrl-C stops them.');
  const stop = () => void panel.stop().then(() => stack.stop());
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await stack.exited;
}

/** --serve: the long-running pipeline (local/serve.ts) until Ctrl-C. */
async function serve(
  opts: StartOptions,
  run: {
    endpoints: EmulatorEndpoints;
    projectId: string;
    stack: EmulatorStack | undefined;
    target: ReturnType<typeof emulatorTargetOf>;
    clients: ReturnType<typeof createClients>;
    names: ReturnType<typeof pipelineNames>;
    panel: { stop(): Promise<void> };
  },
): Promise<void> {
  const serving = await servePipeline({
    clients: run.clients,
    target: run.target,
    names: run.names,
    endpoints: run.endpoints,
    projectId: run.projectId,
    dailyEveryMinutes: opts.dailyEvery,
    gateway: opts.gateway,
    opcuaPort: opts.freePorts ? 0 : 4840,
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('\nStopping…');
  await serving.stop();
  await run.panel.stop(); // its open server would keep the process alive
  await run.stack?.stop();
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
