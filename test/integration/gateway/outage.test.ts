// The zero-loss fault test (issue #15): the plant produces readings continuously, Telegraf reads
// and publishes them through the shipped configs, the Pub/Sub emulator is taken down for minutes,
// during the outage both gateways are killed with SIGKILL and started again, then Pub/Sub comes
// back. Every reading lands exactly once in the raw zone and, after the daily job, in BigQuery;
// the excursion during the outage ends up in alarm history. It prints the buffer's size on disk,
// the catch-up time and the readings lost or doubled.
// Two gateways, two ways of keeping readings through a crash:
//   MQTT (site REF-01): every reading is a QoS 1 message; Telegraf acks it to the broker only once
//     published, so the broker keeps what the killed Telegraf had not sent. Expected: exactly what
//     the plant produced.
//   OPC UA (site REF-02): Telegraf samples the server each second, so readings made while it is
//     dead are never read (no gateway can read the past of a plain OPC UA read); what it did read
//     is kept in its disk buffer. A second, local output (a file) witnesses what it read; expected:
//     every witnessed reading lands, once, with the value the server served.
// Own emulator stack: taking Pub/Sub down must not disturb other test files.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, type Clients } from '../../../functions/adapters/clients.ts';
import { createLogger } from '../../../functions/adapters/log.ts';
import { readGzipNdjson } from '../../../functions/adapters/raw-objects.ts';
import { createContext } from '../../../functions/daily/context.ts';
import { runDaily } from '../../../functions/daily/run.ts';
import { checkRules, uploadConfigObject } from '../../../cli/config-objects.ts';
import { repoRoot } from '../../../local/repo-root.ts';
import { setServiceState, startEmulators, type EmulatorStack } from '../../../local/emulators/stack.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../local/functions/pipeline.ts';
import { startLivePlant, signalsOf, type LivePlant } from '../../../local/gateway/live-plant.ts';
import { startMqttBroker, type MqttBroker } from '../../../local/gateway/mqtt-broker.ts';
import { startOpcUaPlant, type OpcUaPlant } from '../../../local/gateway/opcua-plant.ts';
import { bytesOnDisk, gatewayEnv, startTelegraf, type RunningTelegraf } from '../../../local/gateway/telegraf.ts';
import { pipelineNames, provision, type PipelineNames } from '../../../local/provision.ts';
import { uniqueName } from '../../harness/emulators.ts';
import { logCapture, objectNames, waitFor } from '../functions/support.ts';
import { freePort } from '../../../local/gateway/free-port.ts';

const OUTAGE_S = Number(process.env.PLANTLAKE_GATEWAY_OUTAGE_SECONDS ?? 180);
const OPCUA_TAGS = ['10EGB10CL001', '10EGB10CT001', '10EGC10CP001', '10EGC10CF001', '10HHA10CT001'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const key = (r: { tag: string; ts: string | number }) => `${r.tag}|${new Date(r.ts).toISOString()}`;
type Row = { site: string; tag: string; ts: string; value: number; quality: string };

/** Order-independent checksum over (site, tag, ts, value): the sum of per-reading hashes. */
function checksum(rows: readonly { site: string; tag: string; ts: string | number; value: number }[]): string {
  let sum = 0n;
  for (const r of rows) {
    const text = `${r.site}|${r.tag}|${new Date(r.ts).toISOString()}|${r.value}`;
    let h = 1469598103934665603n; // FNV-1a 64
    for (const c of Buffer.from(text)) h = ((h ^ BigInt(c)) * 1099511628211n) & 0xffffffffffffffffn;
    sum = (sum + h) & 0xffffffffffffffffn;
  }
  return `${rows.length}:${sum.toString(16)}`;
}

describe('zero loss through a Pub/Sub outage with a gateway crash', () => {
  let stack: EmulatorStack;
  let c: Clients;
  let names: PipelineNames;
  let fns: LocalFunctions;
  let broker: MqttBroker;
  let opcua: OpcUaPlant;
  let mqttPlant: LivePlant;
  let opcuaPlant: LivePlant;
  const gateways: RunningTelegraf[] = [];
  const state = mkdtempSync(join(tmpdir(), 'plantlake-outage-'));
  const logs = logCapture();

  beforeAll(async () => {
    stack = await startEmulators();
    c = createClients({ kind: 'emulators', projectId: stack.projectId, ...stack.endpoints });
    names = pipelineNames({ suffix: uniqueName('outage') });
    await provision(c, names);
    // Short retry backoff instead of production's 10–600 s, so a redelivery comes within a second.
    const backoff = { minimumBackoff: { seconds: 0, nanos: 2e8 }, maximumBackoff: { seconds: 1, nanos: 0 } };
    await Promise.all(Object.values(names.subscriptions).map((s) => c.pubsub.subscription(s).setMetadata({ retryPolicy: backoff })));
    const rules = readFileSync(join(repoRoot, 'config', 'rules.yaml'), 'utf8');
    expect(checkRules(rules).ok).toBe(true);
    await uploadConfigObject(c.storage, names.buckets.config, 'rules', rules);
    fns = await startLocalFunctions({
      clients: c,
      names,
      functions: ['land', 'detect'],
      logSink: logs.sink,
      configCheckSeconds: 0,
      delivery: { log: () => {} },
    });
    broker = await startMqttBroker();
    opcua = await startOpcUaPlant({ port: await freePort(), tags: OPCUA_TAGS });
  });
  afterAll(async () => {
    await mqttPlant?.stop();
    await opcuaPlant?.stop();
    await Promise.all(gateways.map((g) => g.kill('SIGKILL')));
    await opcua?.stop();
    await broker?.stop();
    await fns?.stop();
    await stack?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  const env = (site: string, dir: string, extra: Record<string, string>) =>
    gatewayEnv({
      pubsubHost: stack.endpoints.pubsub,
      projectId: stack.projectId,
      readingsTopic: names.topics.readings,
      site,
      stateDir: join(state, dir),
      extra,
    });

  async function rawRows(prefix: string): Promise<Row[]> {
    const raw = c.storage.bucket(names.buckets.raw);
    const all = await objectNames(raw, prefix);
    return (await Promise.all(all.map((n) => readGzipNdjson<Row>(raw, n)))).flat();
  }

  it(`lands every reading exactly once through a ${OUTAGE_S} s outage and a SIGKILL of the gateways, and raises the alarm`, {
    timeout: (OUTAGE_S + 420) * 1000,
  }, async () => {
    const mqttEnv = env('REF-01', 'mqtt', { MQTT_BROKER: broker.url, MQTT_CLIENT_ID: 'gw-outage' });
    const witness = join(state, 'opcua-witness.json');
    const witnessConf = join(state, 'witness.conf');
    writeFileSync(witnessConf, `[[outputs.file]]\n  files = ["${witness}"]\n  data_format = "json"\n  json_timestamp_units = "1ms"\n`);
    const opcuaEnv = env('REF-02', 'opcua', { OPCUA_ENDPOINT: opcua.endpoint });
    const start = () =>
      Promise.all([
        startTelegraf(['mqtt'], mqttEnv, { logFile: join(state, 'mqtt', 'telegraf.log') }),
        startTelegraf(['opcua', witnessConf], opcuaEnv, { logFile: join(state, 'opcua', 'telegraf.log') }),
      ]);
    gateways.push(...(await start()));
    await waitFor('the MQTT gateway to subscribe', async () => gateways[0]!.log().includes('Connected [tcp://') || undefined, 30_000, 200);

    mqttPlant = startLivePlant({
      site: 'REF-01',
      periodMs: 1000,
      emit: (r) => broker.publish(`plantlake/${r.site}/${r.tag}`, JSON.stringify({ value: r.value, quality: r.quality, ts: r.ts })),
    });
    // The OPC UA values change every 2 s and are read every 1 s: each value is read unless the gateway is down.
    opcuaPlant = startLivePlant({
      site: 'REF-02',
      periodMs: 2000,
      signals: signalsOf('REF-01').filter((s) => OPCUA_TAGS.includes(s.tag)),
      emit: (r) => opcua.set(r.tag, r.value, r.quality, new Date(r.ts)),
    });
    await waitFor(
      'both gateways to land readings',
      async () => {
        const rows = await rawRows('readings/');
        return rows.some((r) => r.site === 'REF-01') && rows.some((r) => r.site === 'REF-02') ? true : undefined;
      },
      60_000,
      500,
    );

    await setServiceState(stack.endpoints, 'pubsub', 'down');
    const downAt = Date.now();
    await sleep(15_000);
    // Tank TK-101 overfills during the outage: above HH (95) for longer than the rule's 30 s on-delay.
    mqttPlant.excursion('10EGB10CL001', 97.5, 60);
    await sleep(Math.max(0, OUTAGE_S * 500 - (Date.now() - downAt)));
    const bufferBeforeKill = { mqtt: bytesOnDisk(mqttEnv.TELEGRAF_BUFFER_DIR!), opcua: bytesOnDisk(opcuaEnv.TELEGRAF_BUFFER_DIR!) };
    const exits = await Promise.all(gateways.splice(0).map((g) => g.kill('SIGKILL')));
    await sleep(5_000);
    gateways.push(...(await start()));
    await sleep(Math.max(0, OUTAGE_S * 1000 - (Date.now() - downAt)));
    const bufferAtEnd = { mqtt: bytesOnDisk(mqttEnv.TELEGRAF_BUFFER_DIR!), opcua: bytesOnDisk(opcuaEnv.TELEGRAF_BUFFER_DIR!) };
    await setServiceState(stack.endpoints, 'pubsub', 'up');
    const upAt = Date.now();
    await sleep(10_000);
    await mqttPlant.stop();
    await opcuaPlant.stop();
    const stoppedAt = Date.now();

    const produced = mqttPlant.produced;
    const landedCount = (site: string) =>
      logs.lines.filter((l) => l.event === 'land.batch' && l.outcome === 'landed' && l.site === site).reduce((n, l) => n + (l.readings as number), 0);
    let shown = 0;
    await waitFor(
      'every MQTT reading to land',
      async () => {
        if (Date.now() - shown > 15_000) {
          shown = Date.now();
          process.stderr.write(
            `outage test: ${landedCount('REF-01')}/${produced.length} MQTT readings landed, gateways ${gateways.map((g) => g.pid).join(', ')}\n`,
          );
        }
        return landedCount('REF-01') >= produced.length || undefined;
      },
      300_000,
      500,
    );
    const caughtUpAt = Date.now();
    // Neither gateway died on the way (Telegraf's own faults would show here).
    for (const g of gateways)
      expect(await Promise.race([g.exited.then((code) => `exited with ${code}: ${g.log().slice(-2000)}`), sleep(10).then(() => 'running')])).toBe('running');
    await sleep(3000); // anything still arriving would be a duplicate
    const landed = await rawRows('readings/');

    // MQTT: exactly what the plant produced, each reading once.
    const mqttRows = landed.filter((r) => r.site === 'REF-01');
    const mqttKeys = new Set(mqttRows.map(key));
    const producedByKey = new Map(produced.map((p) => [key(p), p]));
    const lost = produced.filter((p) => !mqttKeys.has(key(p)));
    const doubled = mqttRows.length - mqttKeys.size;
    // OPC UA: every reading the gateway read (witness) lands once, with the value the server served.
    const witnessed = readFileSync(witness, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { fields: Record<string, number>; timestamp: number });
    const witnessedKeys = new Set(
      witnessed.flatMap((m) =>
        Object.keys(m.fields)
          .filter((f) => f !== 'Quality')
          .map((tag) => key({ tag, ts: m.timestamp })),
      ),
    );
    const opcuaRows = landed.filter((r) => r.site === 'REF-02');
    const opcuaKeys = new Set(opcuaRows.map(key));
    const servedByKey = new Map(opcuaPlant.produced.map((p) => [key(p), p]));
    const opcuaLost = [...witnessedKeys].filter((k) => !opcuaKeys.has(k));
    const opcuaDoubled = opcuaRows.length - opcuaKeys.size;
    const unserved = opcuaRows.filter((r) => servedByKey.get(key(r))?.value !== r.value);

    const landLines = logs.lines.filter((l) => l.event === 'land.batch' && l.outcome === 'landed');
    const afterUp = (field: string) => {
      const times = landLines.map((l) => Date.parse(String(l[field]))).filter((t) => t > downAt);
      return times.length === 0 ? null : Math.round((Math.min(...times) - upAt) / 100) / 10;
    };
    const figures = {
      outageSeconds: Math.round((upAt - downAt) / 1000),
      mqtt: { produced: produced.length, landed: mqttRows.length, lost: lost.length, doubled },
      opcua: {
        served: opcuaPlant.produced.length,
        read: witnessedKeys.size,
        landed: opcuaRows.length,
        lostOfRead: opcuaLost.length,
        rawRepeatsOfARead: opcuaDoubled,
      },
      bufferBytesBeforeKill: bufferBeforeKill,
      bufferBytesAtEnd: bufferAtEnd,
      killExitCodes: exits,
      catchUpSeconds: Math.round((caughtUpAt - upAt) / 100) / 10,
      // Which side took the time: Telegraf's first accepted publish, or the delivery to land after it.
      firstPublishAfterUpSeconds: afterUp('publishTime'),
      firstLandAfterUpSeconds: afterUp('time'),
      catchUpAfterPlantStopSeconds: Math.round((caughtUpAt - stoppedAt) / 100) / 10,
    };
    console.log(`gateway outage figures: ${JSON.stringify(figures)}`);
    const detectLines = logs.lines.filter((l) => l.event === 'detect.batch');
    console.log(
      `detect saw ${detectLines.length} batches; alarm transitions: ${JSON.stringify(detectLines.flatMap((l) => (l.events as string[] | undefined) ?? []))}`,
    );

    expect(lost).toEqual([]);
    expect(doubled).toBe(0);
    expect(mqttRows.every((r) => producedByKey.get(key(r))?.value === r.value)).toBe(true);
    expect(checksum(mqttRows)).toBe(checksum(produced));
    expect(opcuaLost).toEqual([]);
    // A sampled value read twice (same source time) may fall into two messages: the raw zone then
    // holds the identical row twice, and the daily load keeps one (checked below).
    const firstOf = new Map<string, Row>();
    for (const r of opcuaRows) {
      const seen = firstOf.get(key(r));
      if (seen === undefined) firstOf.set(key(r), r);
      else expect([r.value, r.quality]).toEqual([seen.value, seen.quality]);
    }
    expect(unserved).toEqual([]);
    // Readings made while the pipeline was down were buffered and arrived: the outage is not a gap.
    const inOutage = (ts: string | number) => new Date(ts).getTime() > downAt && new Date(ts).getTime() < upAt;
    expect(mqttRows.filter((r) => inOutage(r.ts)).length).toBeGreaterThan(OUTAGE_S * 5);
    expect(opcuaRows.filter((r) => inOutage(r.ts)).length).toBeGreaterThan(0);

    // The excursion during the outage is in alarm history: detect judged the burst in event time.
    const events = await waitFor(
      'the overfill alarm in the raw zone',
      async () => {
        const e = await rawRows('alarm-events/');
        return e.some((x) => x.tag === '10EGB10CL001' && (x as unknown as { condition: string }).condition === 'HH') ? e : undefined;
      },
      60_000,
      1000,
    );
    const hh = events.filter((x) => x.tag === '10EGB10CL001' && (x as unknown as { condition: string }).condition === 'HH') as unknown as {
      transition: string;
      reading_ts: string;
    }[];
    // One excursion, one HH activation, judged at the reading's time (inside the outage). Whether
    // it also clears before the plant stops depends on the outage's length (off-delay 60 s).
    const active = hh.filter((e) => e.transition === 'active');
    expect(active).toHaveLength(1);
    expect(inOutage(active[0]!.reading_ts)).toBe(true);

    // The daily job loads the days into BigQuery: the same readings, count and checksum.
    const days = [...new Set([...produced, ...opcuaPlant.produced].map((p) => new Date(p.ts).toISOString().slice(0, 10)))].sort();
    const daily = createContext(
      c,
      {
        rawBucket: names.buckets.raw,
        configBucket: names.buckets.config,
        dataset: names.dataset,
        coldlineAgeDays: 30,
        retentionDays: undefined,
        location: undefined,
        maxCompactedBytes: 64 * 1024 * 1024,
        concurrency: 8,
      },
      createLogger({ function: 'daily' }, () => {}),
    );
    const report = await runDaily(await daily, { mode: 'backfill', from: days[0], to: days.at(-1) });
    expect(report.status).toBe('succeeded');
    const projectId = await c.bigquery.getProjectId();
    const [job] = await c.bigquery.createQueryJob({
      query: `SELECT site, tag, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%E3SZ', ts) AS ts, value FROM \`${projectId}.${names.dataset}.readings\` WHERE ts >= TIMESTAMP('${days[0]}') AND site = 'REF-01'`,
    });
    const [bq] = (await job.getQueryResults()) as [Row[]];
    expect(checksum(bq)).toBe(checksum(produced));
    const [opcuaBq] = (await c.bigquery.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT CONCAT(tag, CAST(ts AS STRING))) AS keys FROM \`${projectId}.${names.dataset}.readings\` WHERE ts >= TIMESTAMP('${days[0]}') AND site = 'REF-02'`,
    )) as [{ n: number; keys: number }[]];
    expect(opcuaBq[0]).toEqual({ n: opcuaKeys.size, keys: opcuaKeys.size });
    const [alarms] = await c.bigquery.query(
      `SELECT tag, condition, transition FROM \`${projectId}.${names.dataset}.alarm_events\` WHERE reading_ts >= TIMESTAMP('${days[0]}') AND tag = '10EGB10CL001' AND condition = 'HH'`,
    );
    expect((alarms as { transition: string }[]).map((a) => a.transition).sort()).toEqual(hh.map((e) => e.transition).sort());
  });
});
