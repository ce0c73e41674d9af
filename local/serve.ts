// `npm start -- --serve`: the pipeline kept running for a gateway of your own. land, detect and
// notify stay served (fed from their subscriptions), the daily job runs on a scheduler tick, the
// emulators stay up, and it prints where a gateway publishes (Telegraf's settings and the CLI's).
// `--gateway telegraf` also runs the demo's plant: a real OPC UA server read by a real Telegraf
// with gateway/telegraf/opcua.conf, so readings, alarms and loads flow without anything else.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Clients, Target } from '../functions/adapters/clients.ts';
import { envForTarget } from '../functions/adapters/clients.ts';
import { createLogger } from '../functions/adapters/log.ts';
import { createContext } from '../functions/daily/context.ts';
import { runDaily } from '../functions/daily/run.ts';
import { dailySettings } from '../functions/daily/settings.ts';
import { startChatSink, uploadConfig } from './demo.ts';
import { repoRoot } from './repo-root.ts';
import type { EmulatorEndpoints } from './emulators/stack.ts';
import { startLocalFunctions } from './functions/pipeline.ts';
import { freePort } from './gateway/free-port.ts';
import { signalsOf, startLivePlant, type LivePlant } from './gateway/live-plant.ts';
import { startOpcUaPlant, type OpcUaPlant } from './gateway/opcua-plant.ts';
import { gatewayEnv, startTelegraf, writeEmulatorKey, type RunningTelegraf } from './gateway/telegraf.ts';
import { telegrafBinary } from './gateway/telegraf-build.ts';
import { pipelineEnv, provision, type PipelineNames } from './provision.ts';

export interface ServeOptions {
  readonly clients: Clients;
  readonly target: Target;
  readonly names: PipelineNames;
  readonly endpoints: EmulatorEndpoints;
  readonly projectId: string;
  /** Minutes between daily runs (the scheduler tick). */
  readonly dailyEveryMinutes: number;
  readonly gateway?: 'telegraf' | undefined;
  /** Port of the OPC UA stand-in (with --gateway telegraf); 0 picks a free one. */
  readonly opcuaPort: number;
  readonly out?: (line: string) => void;
}

export interface Serving {
  stop(): Promise<void>;
}

/** The tags of gateway/telegraf/opcua.conf, served by the OPC UA stand-in. */
const OPCUA_TAGS = ['10EGB10CL001', '10EGB10CT001', '10EGC10CP001', '10EGC10CF001', '10HHA10CT001'];

export async function servePipeline(options: ServeOptions): Promise<Serving> {
  const { clients, names } = options;
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  out('Creating topics, subscriptions, buckets, dataset, tables and views…');
  await provision(clients, names);
  await uploadConfig(clients, names);
  const chat = await startChatSink((text) => out(`  🔔 ${text.split('\n')[0]}`));
  const functions = await startLocalFunctions({
    clients,
    names,
    webhookUrl: chat.url,
    webhookFormat: 'slack',
    configCheckSeconds: 2,
    logSink: () => {},
    delivery: { log: () => {} },
  });

  const settings = dailySettings(pipelineEnv(names));
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const ctx = await createContext(
        clients,
        settings,
        createLogger({ function: 'daily', environment: 'local' }, () => {}),
      );
      const report = await runDaily(ctx, { mode: 'daily' });
      out(`  ⏱ daily job: ${report.message}`);
    } catch (err) {
      out(`  ⏱ daily job failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), options.dailyEveryMinutes * 60_000);

  const stateDir = join(repoRoot, '.plantlake', 'gateway');
  mkdirSync(stateDir, { recursive: true });
  const key = writeEmulatorKey(stateDir, options.projectId);
  const env = { ...envForTarget(options.target), ...pipelineEnv(names) };
  out(
    [
      '',
      'plantlake is serving. A gateway publishes to:',
      `  Pub/Sub emulator ${options.endpoints.pubsub}, project ${options.projectId}, topic ${names.topics.readings}`,
      '',
      'Your own Telegraf (any config of gateway/telegraf/, e.g. mqtt.conf), in another terminal:',
      `  PUBSUB_EMULATOR_HOST=${options.endpoints.pubsub} PLANTLAKE_PROJECT=${options.projectId} PLANTLAKE_READINGS_TOPIC=${names.topics.readings} \\`,
      `  PLANTLAKE_SITE=REF-01 GOOGLE_APPLICATION_CREDENTIALS=${key} TELEGRAF_BUFFER_DIR=${join(stateDir, 'buffer')} \\`,
      `  MQTT_BROKER=tcp://127.0.0.1:1883 ${telegrafBinary} --config gateway/telegraf/mqtt.conf`,
      '  (npm run build:telegraf builds that binary; any Telegraf 1.37 with these plugins works too.)',
      '',
      'Or readings from a file (NDJSON or CSV site,tag,ts,value,quality):',
      `  export ${Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      '  npx plantlake publish readings.csv',
      '',
      `Alarms appear here as the chat channel gets them; the daily job runs every ${options.dailyEveryMinutes} min (npx plantlake daily runs it now).`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let opcua: OpcUaPlant | undefined;
  let plant: LivePlant | undefined;
  let telegraf: RunningTelegraf | undefined;
  let excursions: NodeJS.Timeout | undefined;
  if (options.gateway === 'telegraf') {
    opcua = await startOpcUaPlant({ port: options.opcuaPort || (await freePort()), tags: OPCUA_TAGS });
    plant = startLivePlant({
      site: 'REF-01',
      periodMs: 1000,
      signals: signalsOf('REF-01').filter((s) => OPCUA_TAGS.includes(s.tag)),
      emit: (r) => opcua!.set(r.tag, r.value, r.quality, new Date(r.ts)),
    });
    telegraf = await startTelegraf(
      ['opcua'],
      gatewayEnv({
        pubsubHost: options.endpoints.pubsub,
        projectId: options.projectId,
        readingsTopic: names.topics.readings,
        site: 'REF-01',
        stateDir: join(stateDir, 'demo'),
        extra: { OPCUA_ENDPOINT: opcua.endpoint },
      }),
    );
    // Tank TK-101 overfills for 90 s every 10 minutes, so the alarm path is seen working.
    const overfill = () => plant?.excursion('10EGB10CL001', 97, 90);
    excursions = setInterval(overfill, 600_000);
    setTimeout(overfill, 60_000);
    out(
      `The demo plant (REF-01, ${OPCUA_TAGS.length} signals each second) is served at ${opcua.endpoint} and read by Telegraf (pid ${telegraf.pid}) with gateway/telegraf/opcua.conf; TK-101 overfills a minute from now.`,
    );
  }

  return {
    async stop() {
      clearInterval(timer);
      if (excursions) clearInterval(excursions);
      await plant?.stop();
      await telegraf?.kill('SIGTERM');
      await opcua?.stop();
      await functions.stop();
      chat.server.closeAllConnections();
      await new Promise((r) => chat.server.close(r));
    },
  };
}
