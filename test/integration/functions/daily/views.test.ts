// Every view in sql/views, created on the emulator by local/provision.ts from its file, run on
// known readings, alarm events and tags with exact expected results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewDefinitions } from '../../../../local/provision.ts';
import { createTestLake, type TestLake } from './lake.ts';

const S = 'S1';
const T1 = '10LAB10CP001';
const T2 = '10LAB10CT001';
const T3 = '10LAB10CF001';
const T9 = '10LAB10CL001';

const reading = (tag: string, ts: string, value: number | null, quality = 'good') => ({
  site: S,
  tag,
  ts,
  value,
  quality,
  unit: 'bar',
  batch_id: 'b1',
  ingested_at: '2024-07-04T00:00:00Z',
});
let n = 0;
const event = (tag: string, condition: string, transition: 'active' | 'cleared', ts: string) => ({
  event_id: `e${++n}`,
  site: S,
  tag,
  condition,
  transition,
  value: 1,
  limit_value: 0,
  priority: 'high',
  reading_ts: ts,
  detected_at: ts,
  rules_version: 'r1',
});
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** Cells as plain values: DATE and TIMESTAMP objects become their text. */
function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v !== null && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : v]),
    ),
  );
}

describe('analyst views', () => {
  let lake: TestLake;
  const q = async (sql: string) => plain(await lake.query(sql));

  beforeAll(async () => {
    lake = await createTestLake('views', { views: true });
    const { warehouse } = await lake.context();
    const load = (table: string, rows: object[]) => warehouse.loadText(table, rows.map((r) => JSON.stringify(r)).join('\n') + '\n', 'WRITE_APPEND');
    await load('readings', [
      reading(T1, '2024-07-01T00:00:00Z', 1),
      reading(T1, '2024-07-01T00:10:00Z', 5),
      reading(T1, '2024-07-01T00:20:00Z', null, 'bad'),
      reading(T1, '2024-07-01T00:30:00Z', 3, 'uncertain'),
      reading(T1, '2024-07-01T01:00:00Z', 7),
      reading(T1, '2024-07-01T23:50:00Z', 2),
      reading(T2, '2024-07-01T12:00:00Z', 10),
      reading(T2, '2024-07-02T00:00:00Z', 11),
    ]);
    const flood = Array.from({ length: 13 }, (_, i) => event(T3, 'H', 'active', iso(Date.parse('2024-07-01T05:00:00Z') + i * 45_000)));
    await load('alarm_events', [
      event(T1, 'H', 'active', '2024-07-01T00:00:00Z'),
      event(T1, 'H', 'cleared', '2024-07-01T00:00:20Z'),
      event(T1, 'H', 'active', '2024-07-01T00:00:30Z'),
      event(T1, 'H', 'cleared', '2024-07-01T00:00:40Z'),
      event(T1, 'H', 'active', '2024-07-01T00:00:50Z'),
      event(T1, 'H', 'cleared', '2024-07-01T01:00:00Z'),
      event(T2, 'HH', 'active', '2024-07-01T12:00:00Z'),
      event(T2, 'HH', 'cleared', '2024-07-03T06:00:00Z'),
      event(T1, 'LL', 'active', '2024-07-02T10:00:00Z'),
      ...flood,
      event(T3, 'H', 'cleared', '2024-07-01T05:10:00Z'),
    ]);
    const tag = (t: string, eu: string, mq: string, first: string | null, last: string | null) => ({
      tag: t,
      site: S,
      description: `${mq} ${eu}`,
      unit: null,
      area: 'boiler',
      equipment: null,
      legacy_name: null,
      plant: '10',
      function_key: 'LAB10',
      equipment_unit: eu,
      component: null,
      measured_quantity: mq,
      in_catalog: true,
      first_seen: first,
      last_seen: last,
      updated_at: '2024-07-04T00:00:00Z',
    });
    await load('tags', [
      tag(T1, 'CP001', 'pressure', '2024-07-01T00:00:00Z', '2024-07-01T23:50:00Z'),
      tag(T2, 'CT001', 'temperature', '2024-07-01T12:00:00Z', '2024-07-02T00:00:00Z'),
      tag(T9, 'CL001', 'level', null, null),
    ]);
  });

  afterAll(() => lake?.stop());

  it('creates one view per file in sql/views', async () => {
    const [tables] = await lake.clients.bigquery.dataset(lake.dataset).getTables();
    const views = tables
      .filter((t) => t.metadata.type === 'VIEW')
      .map((t) => t.id)
      .sort();
    expect(views).toEqual(
      viewDefinitions('p', 'd')
        .map((v) => v.name)
        .sort(),
    );
  });

  it('readings_hourly: count, min, max, mean, first, last of usable values per tag and hour', async () => {
    expect(
      await q(`SELECT * EXCEPT (site, unit, day) FROM ${lake.t('readings_hourly')} WHERE day = '2024-07-01' AND tag = '${T1}' ORDER BY hour_start`),
    ).toEqual([
      {
        tag: T1,
        hour_start: '2024-07-01T00:00:00.000Z',
        reading_count: 4,
        value_count: 3,
        min_value: 1,
        max_value: 5,
        mean_value: 3,
        first_value: 1,
        last_value: 3,
        first_ts: '2024-07-01T00:00:00.000Z',
        last_ts: '2024-07-01T00:30:00.000Z',
      },
      {
        tag: T1,
        hour_start: '2024-07-01T01:00:00.000Z',
        reading_count: 1,
        value_count: 1,
        min_value: 7,
        max_value: 7,
        mean_value: 7,
        first_value: 7,
        last_value: 7,
        first_ts: '2024-07-01T01:00:00.000Z',
        last_ts: '2024-07-01T01:00:00.000Z',
      },
      {
        tag: T1,
        hour_start: '2024-07-01T23:00:00.000Z',
        reading_count: 1,
        value_count: 1,
        min_value: 2,
        max_value: 2,
        mean_value: 2,
        first_value: 2,
        last_value: 2,
        first_ts: '2024-07-01T23:50:00.000Z',
        last_ts: '2024-07-01T23:50:00.000Z',
      },
    ]);
  });

  it('readings_daily: the same per tag and day', async () => {
    expect(
      await q(
        `SELECT tag, day, reading_count, value_count, min_value, max_value, mean_value, first_value, last_value, unit FROM ${lake.t('readings_daily')} WHERE day BETWEEN '2024-07-01' AND '2024-07-02' ORDER BY tag, day`,
      ),
    ).toEqual([
      { tag: T1, day: '2024-07-01', reading_count: 6, value_count: 5, min_value: 1, max_value: 7, mean_value: 3.6, first_value: 1, last_value: 2, unit: 'bar' },
      {
        tag: T2,
        day: '2024-07-01',
        reading_count: 1,
        value_count: 1,
        min_value: 10,
        max_value: 10,
        mean_value: 10,
        first_value: 10,
        last_value: 10,
        unit: 'bar',
      },
      {
        tag: T2,
        day: '2024-07-02',
        reading_count: 1,
        value_count: 1,
        min_value: 11,
        max_value: 11,
        mean_value: 11,
        first_value: 11,
        last_value: 11,
        unit: 'bar',
      },
    ]);
  });

  it('kks_hierarchy: plant, system and equipment unit of every tag, with counts per level', async () => {
    expect(
      await q(
        `SELECT plant, system, equipment_unit, measured_quantity, tag, path, tags_in_plant, tags_in_system, tags_in_equipment_unit FROM ${lake.t('kks_hierarchy')} ORDER BY tag`,
      ),
    ).toEqual([
      {
        plant: '10',
        system: 'LAB10',
        equipment_unit: 'CL001',
        measured_quantity: 'level',
        tag: T9,
        path: '10 / LAB10 / CL001',
        tags_in_plant: 3,
        tags_in_system: 3,
        tags_in_equipment_unit: 1,
      },
      {
        plant: '10',
        system: 'LAB10',
        equipment_unit: 'CP001',
        measured_quantity: 'pressure',
        tag: T1,
        path: '10 / LAB10 / CP001',
        tags_in_plant: 3,
        tags_in_system: 3,
        tags_in_equipment_unit: 1,
      },
      {
        plant: '10',
        system: 'LAB10',
        equipment_unit: 'CT001',
        measured_quantity: 'temperature',
        tag: T2,
        path: '10 / LAB10 / CT001',
        tags_in_plant: 3,
        tags_in_system: 3,
        tags_in_equipment_unit: 1,
      },
    ]);
  });

  it('alarm_rate_hourly: activations per site and hour against the ISA-18.2 targets, with floods', async () => {
    expect(await q(`SELECT * FROM ${lake.t('alarm_rate_hourly')} ORDER BY hour_start`)).toEqual([
      {
        site: S,
        day: '2024-07-01',
        hour_start: '2024-07-01T00:00:00.000Z',
        activations: 3,
        flood_periods_10min: 0,
        peak_activations_10min: 3,
        isa_18_2_load: 'acceptable',
      },
      {
        site: S,
        day: '2024-07-01',
        hour_start: '2024-07-01T05:00:00.000Z',
        activations: 13,
        flood_periods_10min: 1,
        peak_activations_10min: 13,
        isa_18_2_load: 'overloaded',
      },
      {
        site: S,
        day: '2024-07-01',
        hour_start: '2024-07-01T12:00:00.000Z',
        activations: 1,
        flood_periods_10min: 0,
        peak_activations_10min: 1,
        isa_18_2_load: 'acceptable',
      },
      {
        site: S,
        day: '2024-07-02',
        hour_start: '2024-07-02T10:00:00.000Z',
        activations: 1,
        flood_periods_10min: 0,
        peak_activations_10min: 1,
        isa_18_2_load: 'acceptable',
      },
    ]);
  });

  it('alarm_top_tags: activations, share and rank per site and day', async () => {
    expect(await q(`SELECT * FROM ${lake.t('alarm_top_tags')} ORDER BY day, rank`)).toEqual([
      { site: S, day: '2024-07-01', tag: T3, condition: 'H', activations: 13, share_of_site: 0.7647, rank: 1 },
      { site: S, day: '2024-07-01', tag: T1, condition: 'H', activations: 3, share_of_site: 0.1765, rank: 2 },
      { site: S, day: '2024-07-01', tag: T2, condition: 'HH', activations: 1, share_of_site: 0.0588, rank: 3 },
      { site: S, day: '2024-07-02', tag: T1, condition: 'LL', activations: 1, share_of_site: 1, rank: 1 },
    ]);
  });

  it('alarm_chattering: 3 or more activations within 60 s (T3 activates every 45 s: not chattering)', async () => {
    expect(await q(`SELECT * FROM ${lake.t('alarm_chattering')}`)).toEqual([
      { site: S, tag: T1, condition: 'H', day: '2024-07-01', activations: 3, chatter_bursts: 1, tightest_burst_seconds: 50 },
    ]);
  });

  it('alarm_intervals: each activation with its end', async () => {
    expect(
      await q(`SELECT activated_at, ended_at, ended_by, duration_seconds FROM ${lake.t('alarm_intervals')} WHERE tag = '${T1}' ORDER BY activated_at`),
    ).toEqual([
      { activated_at: '2024-07-01T00:00:00.000Z', ended_at: '2024-07-01T00:00:20.000Z', ended_by: 'cleared', duration_seconds: 20 },
      { activated_at: '2024-07-01T00:00:30.000Z', ended_at: '2024-07-01T00:00:40.000Z', ended_by: 'cleared', duration_seconds: 10 },
      { activated_at: '2024-07-01T00:00:50.000Z', ended_at: '2024-07-01T01:00:00.000Z', ended_by: 'cleared', duration_seconds: 3550 },
      { activated_at: '2024-07-02T10:00:00.000Z', ended_at: null, ended_by: null, duration_seconds: null },
    ]);
  });

  it('alarm_standing: active for more than 24 h at a day end, and now', async () => {
    expect(
      await q(
        `SELECT tag, condition, day, as_of, as_of_kind, standing_hours FROM ${lake.t('alarm_standing')} WHERE as_of_kind = 'day_end' AND day <= '2024-07-03' ORDER BY day`,
      ),
    ).toEqual([
      { tag: T2, condition: 'HH', day: '2024-07-02', as_of: '2024-07-03T00:00:00.000Z', as_of_kind: 'day_end', standing_hours: 36 },
      { tag: T1, condition: 'LL', day: '2024-07-03', as_of: '2024-07-04T00:00:00.000Z', as_of_kind: 'day_end', standing_hours: 38 },
    ]);
    expect(await q(`SELECT tag, condition, activated_at FROM ${lake.t('alarm_standing')} WHERE as_of_kind = 'now'`)).toEqual([
      { tag: T1, condition: 'LL', activated_at: '2024-07-02T10:00:00.000Z' },
    ]);
  });

  it('alarm_time_in_alarm: seconds in alarm per tag, condition and day', async () => {
    expect(
      await q(
        `SELECT tag, condition, day, seconds_in_alarm, share_of_day, activations_started FROM ${lake.t('alarm_time_in_alarm')} WHERE day <= '2024-07-03' ORDER BY tag, condition, day`,
      ),
    ).toEqual([
      { tag: T3, condition: 'H', day: '2024-07-01', seconds_in_alarm: 600, share_of_day: 0.0069, activations_started: 13 },
      { tag: T1, condition: 'H', day: '2024-07-01', seconds_in_alarm: 3580, share_of_day: 0.0414, activations_started: 3 },
      { tag: T1, condition: 'LL', day: '2024-07-02', seconds_in_alarm: 50400, share_of_day: 0.5833, activations_started: 1 },
      { tag: T1, condition: 'LL', day: '2024-07-03', seconds_in_alarm: 86400, share_of_day: 1, activations_started: 0 },
      { tag: T2, condition: 'HH', day: '2024-07-01', seconds_in_alarm: 43200, share_of_day: 0.5, activations_started: 1 },
      { tag: T2, condition: 'HH', day: '2024-07-02', seconds_in_alarm: 86400, share_of_day: 1, activations_started: 0 },
      { tag: T2, condition: 'HH', day: '2024-07-03', seconds_in_alarm: 21600, share_of_day: 0.25, activations_started: 0 },
    ]);
  });

  it('dq_quality_daily: share of bad and uncertain readings per tag and day', async () => {
    expect(
      await q(
        `SELECT tag, day, readings, good, uncertain, bad, uncertain_share, bad_share, not_good_share FROM ${lake.t('dq_quality_daily')} WHERE day = '2024-07-01' ORDER BY tag`,
      ),
    ).toEqual([
      { tag: T1, day: '2024-07-01', readings: 6, good: 4, uncertain: 1, bad: 1, uncertain_share: 0.1667, bad_share: 0.1667, not_good_share: 0.3333 },
      { tag: T2, day: '2024-07-01', readings: 1, good: 1, uncertain: 0, bad: 0, uncertain_share: 0, bad_share: 0, not_good_share: 0 },
    ]);
  });

  it('dq_gaps: gaps over 5 minutes within each day, midnight to midnight', async () => {
    expect(await q(`SELECT tag, gap_start, gap_end, gap_seconds FROM ${lake.t('dq_gaps')} WHERE day = '2024-07-01' ORDER BY tag, gap_start`)).toEqual([
      { tag: T1, gap_start: '2024-07-01T00:00:00.000Z', gap_end: '2024-07-01T00:10:00.000Z', gap_seconds: 600 },
      { tag: T1, gap_start: '2024-07-01T00:10:00.000Z', gap_end: '2024-07-01T00:20:00.000Z', gap_seconds: 600 },
      { tag: T1, gap_start: '2024-07-01T00:20:00.000Z', gap_end: '2024-07-01T00:30:00.000Z', gap_seconds: 600 },
      { tag: T1, gap_start: '2024-07-01T00:30:00.000Z', gap_end: '2024-07-01T01:00:00.000Z', gap_seconds: 1800 },
      { tag: T1, gap_start: '2024-07-01T01:00:00.000Z', gap_end: '2024-07-01T23:50:00.000Z', gap_seconds: 82200 },
      { tag: T1, gap_start: '2024-07-01T23:50:00.000Z', gap_end: '2024-07-02T00:00:00.000Z', gap_seconds: 600 },
      { tag: T2, gap_start: '2024-07-01T00:00:00.000Z', gap_end: '2024-07-01T12:00:00.000Z', gap_seconds: 43200 },
      { tag: T2, gap_start: '2024-07-01T12:00:00.000Z', gap_end: '2024-07-02T00:00:00.000Z', gap_seconds: 43200 },
    ]);
  });

  it('dq_stale_tags: tags silent for over an hour, or never seen', async () => {
    expect(await q(`SELECT tag, state, last_seen, stale_seconds IS NULL AS never FROM ${lake.t('dq_stale_tags')} ORDER BY tag`)).toEqual([
      { tag: T9, state: 'never seen', last_seen: null, never: true },
      { tag: T1, state: 'stale', last_seen: '2024-07-01T23:50:00.000Z', never: false },
      { tag: T2, state: 'stale', last_seen: '2024-07-02T00:00:00.000Z', never: false },
    ]);
  });
});
