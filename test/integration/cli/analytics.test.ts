// The analysts' commands against the emulators, run as a person runs them (node cli/plantlake.ts
// with the emulator variables): tariffs validate|push, export to Parquet (read back with DuckDB
// and compared with BigQuery), export --around an alarm, inventory.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envForTarget } from '../../../functions/adapters/clients.ts';
import { ENV } from '../../../functions/core/function-env.ts';
import { OBJECTS } from '../../../functions/core/index.ts';
import { createTestLake, type TestLake } from '../functions/daily/lake.ts';
import { repoRoot } from '../../../local/repo-root.ts';
import { runCli } from '../../harness/cli.ts';

let lake: TestLake;
let env: Record<string, string>;

const plantlake = (args: string[]) => runCli(args, { ...process.env, ...env });

const dir = mkdtempSync(join(tmpdir(), 'plantlake-analytics-'));

async function duck<T = Record<string, unknown>>(sql: string): Promise<T[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    return (await conn.runAndReadAll(sql)).getRowObjectsJson() as T[];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

const PUMP_P = '10EGC10CP001';
const PUMP_F = '10EGC10CF001';
const HEATER = '10HHA10CT001';
const WELL = '20XAB10CP001';
const row = (site: string, tag: string, ts: string, value: number | null, quality = 'good') => ({
  site,
  tag,
  ts,
  value,
  quality,
  unit: 'bar',
  batch_id: 'b1',
  ingested_at: '2024-05-03T00:00:00Z',
});
const readings = [
  ...Array.from({ length: 48 }, (_, i) => row('A', PUMP_P, new Date(Date.parse('2024-05-01T00:00:00Z') + i * 3600_000).toISOString(), 10 + i * 0.25)),
  ...Array.from({ length: 48 }, (_, i) =>
    row('A', PUMP_F, new Date(Date.parse('2024-05-01T00:30:00Z') + i * 3600_000).toISOString(), i % 5 === 0 ? null : 100 - i, i % 5 === 0 ? 'bad' : 'good'),
  ),
  ...Array.from({ length: 24 }, (_, i) => row('A', HEATER, new Date(Date.parse('2024-05-01T12:00:00Z') + i * 3600_000).toISOString(), 350 + i)),
  // microseconds in the time, which a JS Date would lose
  ...Array.from({ length: 10 }, (_, i) => row('B', WELL, `2024-05-02T0${Math.floor(i / 6)}:${String((i % 6) * 10).padStart(2, '0')}:00.123456Z`, 200.5 + i)),
  row('A', PUMP_P, '2024-05-04T00:00:00Z', 1), // outside the exported range
];

describe('plantlake analyst commands on the emulators', () => {
  beforeAll(async () => {
    lake = await createTestLake('acli', { views: true });
    env = {
      ...envForTarget(lake.target),
      [ENV.rawBucket]: lake.settings.rawBucket,
      [ENV.configBucket]: lake.settings.configBucket,
      [ENV.dataset]: lake.dataset,
    };
    const { warehouse } = await lake.context();
    const load = (table: string, rows: object[]) => warehouse.loadText(table, rows.map((r) => JSON.stringify(r)).join('\n') + '\n', 'WRITE_APPEND');
    await load('readings', readings);
    await load('alarm_events', [
      {
        event_id: 'ev-pump',
        site: 'A',
        tag: PUMP_P,
        condition: 'HH',
        transition: 'active',
        value: 14,
        limit_value: 13,
        priority: 'high',
        reading_ts: '2024-05-01T16:00:00Z',
        detected_at: '2024-05-01T16:00:01Z',
        rules_version: 'r1',
      },
    ]);
    await load('tanks', [
      {
        site: 'A',
        tank: 'TK-9',
        product: 'diesel',
        description: null,
        level_tag: '10EGB10CL001',
        capacity: 900,
        volume_unit: 'm3',
        inflow_tags: [],
        outflow_tags: [],
        catalog_version: 'c',
      },
    ]);
    await load('tank_strapping', [
      { site: 'A', tank: 'TK-9', level: 0, volume: 0, catalog_version: 'c' },
      { site: 'A', tank: 'TK-9', level: 100, volume: 1000, catalog_version: 'c' },
    ]);
    await load('readings', [
      row('A', '10EGB10CL001', '2024-05-01T00:00:00Z', 50),
      row('A', '10EGB10CL001', '2024-05-01T23:00:00Z', 45),
      row('A', '10EGB10CL001', '2024-05-02T23:00:00Z', 40),
    ]);
  });

  afterAll(() => lake?.stop());

  it('tariffs validate names the wrong field; tariffs push uploads a valid file to the config bucket', async () => {
    const bad = join(dir, 'bad-tariffs.yaml');
    writeFileSync(
      bad,
      'version: x\ntariffs:\n  - { tariff: t, site: A, timeZone: Mars/Olympus, currency: EUR, validFrom: "2024-01-01", bands: [{ band: all, days: [mon], fromHour: 0, toHour: 24, pricePerKwh: 0.2 }] }\nmeters: []\n',
    );
    const r = await plantlake(['tariffs', 'validate', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('tariffs[0].timeZone: "Mars/Olympus" is not an IANA time zone');
    expect(r.err).toContain('tariffs[0].bands: 144 weekday hour(s) have no band');
    const ok = await plantlake(['tariffs', 'push', join(repoRoot, 'config', 'tariffs.yaml')]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain('2 tariff period(s) for 1 site(s), 1 meter(s)');
    const [exists] = await lake.config.file(OBJECTS.tariffs).exists();
    expect(exists).toBe(true);
  });

  it('export writes dt=/site= Parquet that DuckDB reads with the same counts and per-tag sums as BigQuery', async () => {
    const out = join(dir, 'week');
    const r = await plantlake(['export', '--from', '2024-05-01', '--to', '2024-05-02', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`wrote ${readings.length - 1 + 3} readings of 2 day(s) in 3 Parquet file(s)`);
    expect(readdirSync(join(out, 'dt=2024-05-01')).sort()).toEqual(['site=A']);
    expect(readdirSync(join(out, 'dt=2024-05-02')).sort()).toEqual(['site=A', 'site=B']);
    expect(readdirSync(join(out, 'dt=2024-05-02', 'site=B'))).toEqual(['part-0.parquet']);
    const glob = `read_parquet('${out}/**/*.parquet', hive_partitioning = true)`;
    const fromDuck = await duck(
      `SELECT CAST(dt AS VARCHAR) AS dt, site, tag, COUNT(*) AS n, COUNT(value) AS values, SUM(value) AS total, MIN(ts) AS first FROM ${glob} GROUP BY ALL ORDER BY dt, site, tag`,
    );
    const fromBq = await lake.query<Record<string, unknown>>(
      `SELECT CAST(DATE(ts) AS STRING) AS dt, site, tag, COUNT(*) AS n, COUNT(value) AS values, SUM(value) AS total FROM ${lake.t('readings')} WHERE ts >= TIMESTAMP('2024-05-01 00:00:00+00') AND ts < TIMESTAMP('2024-05-03 00:00:00+00') GROUP BY dt, site, tag ORDER BY dt, site, tag`,
    );
    expect(fromDuck.map(({ first: _, ...r }) => ({ ...r, n: Number(r.n), values: Number(r.values) }))).toEqual(fromBq);
    expect(await duck(`SELECT COUNT(*) AS misplaced FROM ${glob} WHERE CAST(ts AS DATE) != dt`)).toEqual([{ misplaced: '0' }]);
    // microseconds survive, as UTC
    expect(fromDuck.find((r) => r.tag === WELL)!.first).toBe('2024-05-02 00:00:00.123456+00');
    const types = await duck<{ column_name: string; column_type: string }>(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${glob})`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual({
      site: 'VARCHAR',
      tag: 'VARCHAR',
      ts: 'TIMESTAMP WITH TIME ZONE',
      value: 'DOUBLE',
      quality: 'VARCHAR',
      unit: 'VARCHAR',
      kks_plant: 'VARCHAR',
      kks_system: 'VARCHAR',
      kks_equipment_unit: 'VARCHAR',
      kks_component: 'VARCHAR',
      dt: 'DATE',
    });
    expect(await duck(`SELECT DISTINCT kks_plant, kks_system, kks_equipment_unit FROM ${glob} WHERE tag = '${PUMP_F}'`)).toEqual([
      { kks_plant: '10', kks_system: 'EGC10', kks_equipment_unit: 'CF001' },
    ]);
  });

  it('export --site and --tag narrow the export', async () => {
    const out = join(dir, 'pumps');
    const r = await plantlake(['export', '--from', '2024-05-02', '--to', '2024-05-02', '--site', 'A', '--tag', '10EGC10C?001', '--out', out]);
    expect(r.code, r.err + r.out).toBe(0);
    expect(await duck(`SELECT tag, COUNT(*) AS n FROM read_parquet('${out}/**/*.parquet', hive_partitioning = true) GROUP BY tag ORDER BY tag`)).toEqual([
      { tag: PUMP_F, n: '24' },
      { tag: PUMP_P, n: '24' },
    ]);
    expect(existsSync(join(out, 'dt=2024-05-02', 'site=B'))).toBe(false);
    const bad = await plantlake(['export', '--from', '2024-05-02', '--to', '2024-05-02', '--tag', "x' OR 1=1", '--out', out]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('a KKS code or a pattern of letters, digits, * and ?');
  });

  it('export --around writes every tag of the alarm equipment (KKS plant and system) within N minutes', async () => {
    const out = join(dir, 'incident');
    const r = await plantlake(['export', '--around', 'ev-pump', '--minutes', '90', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('alarm ev-pump: HH on 10EGC10CP001 at 2024-05-01T16:00:00.000Z');
    const rows = await duck(`SELECT tag, strftime(ts, '%H:%M') AS t FROM read_parquet('${out}/**/*.parquet', hive_partitioning = true) ORDER BY tag, ts`);
    // 14:30–17:30: the pump's pressure on the hour, its flow on the half hour; not the heater.
    expect(rows).toEqual([
      { tag: PUMP_F, t: '14:30' },
      { tag: PUMP_F, t: '15:30' },
      { tag: PUMP_F, t: '16:30' },
      { tag: PUMP_F, t: '17:30' },
      { tag: PUMP_P, t: '15:00' },
      { tag: PUMP_P, t: '16:00' },
      { tag: PUMP_P, t: '17:00' },
    ]);
    const missing = await plantlake(['export', '--around', 'nope', '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no alarm event nope');
  });

  it('inventory prints the balance and days of cover of a site, as a table or CSV', async () => {
    const r = await plantlake(['inventory', '--site', 'A', '--format', 'csv']);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([
      'tank,product,day,opening,closing,receipts,dispatches,unexplained,unexplained_pct,unit,pct_full,trend_per_day,days_to_empty,days_to_full',
      'TK-9,diesel,2024-05-02,450,400,0,0,-50,,m3,44.4,-50,8,',
    ]);
    const byProduct = await plantlake(['inventory', '--site', 'A', '--day', '2024-05-01', '--by', 'product', '--format', 'csv']);
    expect(byProduct.out.trim().split('\n')).toEqual([
      'product,day,tanks,stock,capacity,unit,trend_per_day,days_to_empty,days_to_full',
      'diesel,2024-05-01,1,450,900,m3,-50,9,',
    ]);
    const none = await plantlake(['inventory', '--site', 'NOPE']);
    expect(none.code).toBe(1);
    expect(none.err).toContain('no tank balance for site NOPE');
  });
});
