// The field gateway for real: Telegraf (built from its Go module) with the shipped configs reads a
// real MQTT broker (aedes), a real OPC UA server (node-opcua) and a real Modbus TCP server
// (modbus-serial), publishes to the Pub/Sub
// emulator in its own format, and land writes the readings to the raw zone, mapped by the
// documented conventions; what cannot be mapped is quarantined with the field that failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalFunctions, type LocalFunctions } from '../../../local/functions/pipeline.ts';
import { startMqttBroker, type MqttBroker } from '../../../local/gateway/mqtt-broker.ts';
import { startModbusPlant, type ModbusPlant } from '../../../local/gateway/modbus-plant.ts';
import { startOpcUaPlant, type OpcUaPlant } from '../../../local/gateway/opcua-plant.ts';
import { gatewayEnv, startTelegraf, type RunningTelegraf } from '../../../local/gateway/telegraf.ts';
import { endpoints } from '../../harness/emulators.ts';
import { logCapture, objectNames, readGzipNdjson, testPipeline, waitFor, type TestPipeline } from '../functions/support.ts';
import { freePort } from '../../../local/gateway/free-port.ts';

type Row = { site: string; tag: string; ts: string; value: number | null; quality: string; unit: string | null; batch_id: string };

describe('Telegraf feeds plantlake through the shipped configs', () => {
  let p: TestPipeline;
  let fns: LocalFunctions;
  let broker: MqttBroker;
  let opcua: OpcUaPlant;
  let modbus: ModbusPlant;
  const gateways: RunningTelegraf[] = [];
  const state = mkdtempSync(join(tmpdir(), 'plantlake-gw-'));
  const logs = logCapture();

  beforeAll(async () => {
    p = await testPipeline('gw');
    fns = await startLocalFunctions({ clients: p.clients, names: p.names, functions: ['land'], logSink: logs.sink, delivery: { log: () => {} } });
    broker = await startMqttBroker();
    modbus = await startModbusPlant({ port: await freePort(), registers: { '30BBA10CE001': 0, '30BBA10CE002': 2 } });
    opcua = await startOpcUaPlant({ port: await freePort(), tags: ['10EGB10CL001', '10EGB10CT001', '10EGC10CP001', '10EGC10CF001', '10HHA10CT001'] });
  });
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.kill('SIGTERM')));
    await opcua?.stop();
    await modbus?.stop();
    await broker?.stop();
    await fns?.stop();
    rmSync(state, { recursive: true, force: true });
  });

  const settings = (site: string, dir: string, extra: Record<string, string>) =>
    gatewayEnv({
      pubsubHost: endpoints().pubsub,
      projectId: p.clients.target.projectId!,
      readingsTopic: p.names.topics.readings,
      site,
      stateDir: join(state, dir),
      extra,
    });

  async function rowsOf(site: string): Promise<Row[]> {
    const names = await objectNames(p.raw, `readings/`);
    const rows = (await Promise.all(names.filter((n) => n.includes(`/site=${site}/`)).map((n) => readGzipNdjson<Row>(p.raw, n)))).flat();
    return rows.sort((a, b) => a.tag.localeCompare(b.tag) || a.ts.localeCompare(b.ts));
  }

  it('MQTT: one message per reading on plantlake/<site>/<KKS>, site and kks from the topic, ms time, quality mapped', async () => {
    gateways.push(await startTelegraf(['mqtt'], settings('REF-01', 'mqtt', { MQTT_BROKER: broker.url, MQTT_CLIENT_ID: 'gw-test' })));
    // The broker keeps QoS 1 messages for the gateway's persistent session once it has subscribed.
    await waitFor('Telegraf to subscribe', async () => gateways[0]!.log().includes('Connected [tcp://') || undefined, 30_000, 200);
    const t0 = Date.now() - 60_000;
    const sent = [
      { topic: 'plantlake/REF-01/10EGB10CL001', value: 61.25, quality: 'good', ts: t0 + 1 },
      { topic: 'plantlake/REF-01/10EGB10CL001', value: 61.5, quality: 'uncertain', ts: t0 + 1001 },
      { topic: 'plantlake/REF-01/10EGC10CP001', value: 9.875, quality: 'StatusBadSensorFailure (0x808B0000)', ts: t0 + 2002 },
      { topic: 'plantlake/REF-01/10 EGB20 CL001', value: 40, quality: 'good', ts: t0 + 3003 },
    ];
    for (const m of sent) await broker.publish(m.topic, JSON.stringify({ value: m.value, quality: m.quality, ts: m.ts }));
    // A topic whose last level is not a KKS code: mapped nowhere, quarantined with its path.
    await broker.publish('plantlake/REF-01/pump-7', JSON.stringify({ value: 1, quality: 'good', ts: t0 + 4000 }));

    const rows = await waitFor(
      'the MQTT readings in the raw zone',
      async () => {
        const r = await rowsOf('REF-01');
        return r.length >= sent.length ? r : undefined;
      },
      45_000,
      250,
    );
    expect(rows.map(({ tag, ts, value, quality }) => ({ tag, ts, value, quality }))).toEqual([
      { tag: '10EGB10CL001', ts: new Date(t0 + 1).toISOString(), value: 61.25, quality: 'good' },
      { tag: '10EGB10CL001', ts: new Date(t0 + 1001).toISOString(), value: 61.5, quality: 'uncertain' },
      { tag: '10EGB20CL001', ts: new Date(t0 + 3003).toISOString(), value: 40, quality: 'good' },
      { tag: '10EGC10CP001', ts: new Date(t0 + 2002).toISOString(), value: 9.875, quality: 'bad' },
    ]);
    expect(rows.every((r) => r.batch_id.startsWith('telegraf-'))).toBe(true);
    const landed = logs.lines.filter((l) => l.event === 'land.batch' && l.outcome === 'landed');
    expect(landed[0]).toMatchObject({ source: 'telegraf:edge-gateway', site: 'REF-01' });

    const quarantined = await waitFor(
      'the unmappable metric in quarantine',
      async () => logs.lines.find((l) => l.event === 'land.batch' && l.outcome === 'quarantined'),
      20_000,
      250,
    );
    expect(quarantined.reason).toMatch(/could not be mapped and were left out \(the rest landed\).*metrics\[\d+\]\.tags\.kks: .*"pump-7"/);
    const [q] = await objectNames(p.raw, 'quarantine/');
    const record = JSON.parse((await p.raw.file(q!).download())[0].toString()) as { payloadBase64: string; problems: { path: string }[] };
    expect(record.problems.map((x) => x.path)).toEqual([expect.stringMatching(/^metrics\[\d+\]\.tags\.kks$/)]);
    expect(record.payloadBase64.length).toBeGreaterThan(0); // the whole message, for a replay once fixed
  });

  it('OPC UA: each node named by its KKS code is a reading at its source time, StatusCode mapped, repeats kept once', async () => {
    const at = Date.now() - 30_000;
    opcua.set('10EGB10CL001', 62.125, 'good', new Date(at));
    opcua.set('10EGB10CT001', 35.5, 'uncertain', new Date(at + 1));
    opcua.set('10EGC10CP001', 10.25, 'good', new Date(at + 2));
    opcua.set('10EGC10CF001', 121, 'bad', new Date(at + 3));
    opcua.set('10HHA10CT001', 351.75, 'good', new Date(at + 4));
    gateways.push(await startTelegraf(['opcua'], settings('REF-02', 'opcua', { OPCUA_ENDPOINT: opcua.endpoint })));
    // Several reads of unchanged values: the same source times, so the same readings.
    const rows = await waitFor(
      'the OPC UA readings read at least three times',
      async () => {
        const done = logs.lines.filter((l) => l.event === 'land.batch' && l.site === 'REF-02').length >= 3;
        return done ? rowsOf('REF-02') : undefined;
      },
      45_000,
      250,
    );
    expect(rows.map(({ tag, ts, value, quality, unit }) => ({ tag, ts, value, quality, unit }))).toEqual([
      { tag: '10EGB10CL001', ts: new Date(at).toISOString(), value: 62.125, quality: 'good', unit: '%' },
      { tag: '10EGB10CT001', ts: new Date(at + 1).toISOString(), value: 35.5, quality: 'uncertain', unit: 'degC' },
      { tag: '10EGC10CF001', ts: new Date(at + 3).toISOString(), value: 121, quality: 'bad', unit: 'm3/h' },
      { tag: '10EGC10CP001', ts: new Date(at + 2).toISOString(), value: 10.25, quality: 'good', unit: 'bar' },
      { tag: '10HHA10CT001', ts: new Date(at + 4).toISOString(), value: 351.75, quality: 'good', unit: 'degC' },
    ]);
    // Later reads of the same values hash to the same batch id: land finds them already landed.
    expect(logs.lines.some((l) => l.event === 'land.batch' && l.site === 'REF-02' && l.outcome === 'already-landed')).toBe(true);
  });

  it('Modbus TCP: holding registers named by KKS codes, read each second, floats decoded, times in ms', async () => {
    modbus.set('30BBA10CE001', 1234.5);
    modbus.set('30BBA10CE002', 98765.25);
    const from = Date.now();
    gateways.push(await startTelegraf(['modbus'], settings('FDR-01', 'modbus', { MODBUS_CONTROLLER: modbus.controller })));
    const rows = await waitFor(
      'two Modbus reads in the raw zone',
      async () => {
        const r = await rowsOf('FDR-01');
        return r.length >= 4 ? r : undefined;
      },
      45_000,
      250,
    );
    expect(new Set(rows.map((r) => `${r.tag}=${r.value} ${r.quality}`))).toEqual(new Set(['30BBA10CE001=1234.5 good', '30BBA10CE002=98765.25 good']));
    // Modbus carries no time: Telegraf stamps each read.
    expect(rows.every((r) => Date.parse(r.ts) >= from - 1000 && Date.parse(r.ts) <= Date.now())).toBe(true);
  });
});
