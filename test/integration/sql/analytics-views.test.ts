// The energy cost and tank views (sql/views/energy_*, tank_*, product_days_of_cover) on the
// emulators, through the real path: readings written to the raw zone as land writes them, the
// tariffs file and tag catalog in the config bucket, one daily run (which loads readings and the
// tariffs, energy_meters and tanks tables), then the views, with exact expected results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OBJECTS } from '../../../functions/core/index.ts';
import { createTestLake, publish, type TestLake } from '../functions/daily/lake.ts';

const FDR = 'FDR-T';
const M1 = '30BBA10CE002'; // register
const M2 = '30BBA10CE001'; // power
const M3 = '30BBA20CE002'; // register that rolls over at 1000
const REF = 'REF-T';
const L1 = '10EGB10CL001';
const IN1 = '10EGB10CF001';
const OUT1 = '10EGB10CF002';
const L2 = '10EGB20CL001';

// Europe/Berlin; 2024-03-31 is a Sunday and the day clocks go from 02:00 CET to 03:00 CEST
// (01:00Z). Weekend nights (0–3 local) are cheapest, so an interval at 01:00Z is priced as night
// only if the time zone is ignored. The second period starts on local 2024-04-01.
const TARIFFS = `
version: t1
tariffs:
  - tariff: old
    site: ${FDR}
    timeZone: Europe/Berlin
    currency: EUR
    validFrom: "2024-01-01"
    validTo: "2024-04-01"
    demandChargePerKw: 2
    bands:
      - { band: peak, days: [mon, tue, wed, thu, fri], fromHour: 8, toHour: 20, pricePerKwh: 0.5 }
      - { band: off-peak, days: [mon, tue, wed, thu, fri], fromHour: 0, toHour: 8, pricePerKwh: 0.25 }
      - { band: off-peak, days: [mon, tue, wed, thu, fri], fromHour: 20, toHour: 24, pricePerKwh: 0.25 }
      - { band: weekend-night, days: [sat, sun], fromHour: 0, toHour: 3, pricePerKwh: 0.0625 }
      - { band: weekend, days: [sat, sun], fromHour: 3, toHour: 24, pricePerKwh: 0.125 }
  - tariff: new
    site: ${FDR}
    timeZone: Europe/Berlin
    currency: EUR
    validFrom: "2024-04-01"
    demandChargePerKw: 3
    bands:
      - { band: peak, days: [mon, tue, wed, thu, fri], fromHour: 8, toHour: 20, pricePerKwh: 1 }
      - { band: off-peak, days: [mon, tue, wed, thu, fri], fromHour: 0, toHour: 8, pricePerKwh: 0.25 }
      - { band: off-peak, days: [mon, tue, wed, thu, fri], fromHour: 20, toHour: 24, pricePerKwh: 0.25 }
      - { band: weekend, days: [sat, sun], fromHour: 0, toHour: 24, pricePerKwh: 0.125 }
meters:
  - { site: ${FDR}, tag: ${M1}, kind: register }
  - { site: ${FDR}, tag: ${M2}, kind: power }
  - { site: ${FDR}, tag: ${M3}, kind: register, rolloverAt: 1000 }
`;

const CATALOG = `
version: c1
tags:
  - { tag: ${L1}, site: ${REF}, unit: m }
  - { tag: ${IN1}, site: ${REF}, unit: m3/h }
  - { tag: ${OUT1}, site: ${REF}, unit: m3/h }
  - { tag: ${L2}, site: ${REF}, unit: m }
tanks:
  - { site: ${REF}, tank: TK-1, product: crude, levelTag: ${L1}, capacity: 2400, strapping: [{ level: 0, volume: 0 }, { level: 10, volume: 1000 }, { level: 20, volume: 2500 }], inflowTags: [${IN1}], outflowTags: [${OUT1}] }
  - { site: ${REF}, tank: TK-2, product: crude, levelTag: ${L2}, capacity: 500, strapping: [{ level: 0, volume: 0 }, { level: 10, volume: 500 }] }
`;

type R = { tag: string; ts: string; value: number | null; quality?: 'good' | 'uncertain' | 'bad' };
const energy: R[] = [
  { tag: M1, ts: '2024-03-29T22:45:00Z', value: 100 }, // Fri 23:45 local
  { tag: M1, ts: '2024-03-29T23:00:00Z', value: 110 }, // Sat 00:00 local: the local midnight
  { tag: M1, ts: '2024-03-29T23:15:00Z', value: 130 },
  { tag: M1, ts: '2024-03-31T00:30:00Z', value: 150 }, // Sun 01:30 CET
  { tag: M1, ts: '2024-03-31T01:00:00Z', value: 170 }, // Sun 03:00 CEST
  { tag: M1, ts: '2024-03-31T01:30:00Z', value: 200 },
  { tag: M1, ts: '2024-04-01T10:00:00Z', value: 220 }, // Mon 12:00 CEST, new tariff
  { tag: M1, ts: '2024-04-01T10:05:00Z', value: 999, quality: 'bad' }, // skipped
  { tag: M1, ts: '2024-04-01T10:15:00Z', value: 5 }, // counter reset
  { tag: M2, ts: '2024-04-01T10:00:00Z', value: 100 },
  { tag: M2, ts: '2024-04-01T10:15:00Z', value: 300 },
  { tag: M3, ts: '2024-04-01T10:00:00Z', value: 995 },
  { tag: M3, ts: '2024-04-01T10:15:00Z', value: 3 }, // rollover
];

const at = (day: string, hour: string) => `2024-04-0${day}T${hour}:00:00Z`;
const series = (tag: string, points: [string, string, number][]): R[] => points.map(([d, h, value]) => ({ tag, ts: at(d, h), value }));
const tank: R[] = [
  // TK-1: day 1 receives 600 m3, day 2 dispatches 1200, day 3 receives 240 and loses 40 (a leak).
  ...series(L1, [
    ['1', '00', 10],
    ['1', '06', 11],
    ['1', '12', 13],
    ['1', '18', 14],
    ['2', '00', 14],
    ['2', '06', 13],
    ['2', '12', 7],
    ['2', '18', 4],
    ['3', '00', 4],
    ['3', '06', 25],
    ['3', '12', 5],
    ['3', '18', 6],
  ]),
  ...series(IN1, [
    ['1', '00', 0],
    ['1', '06', 50],
    ['1', '12', 50],
    ['1', '18', 0],
    ['2', '00', 0],
    ['2', '06', 0],
    ['2', '12', 0],
    ['2', '18', 0],
    ['3', '00', 0],
    ['3', '06', 20],
    ['3', '12', 20],
    ['3', '18', 0],
  ]),
  ...series(OUT1, [
    ['1', '00', 0],
    ['1', '06', 0],
    ['1', '12', 0],
    ['1', '18', 0],
    ['2', '00', 0],
    ['2', '06', 100],
    ['2', '12', 100],
    ['2', '18', 0],
    ['3', '00', 0],
    ['3', '06', 0],
    ['3', '12', 0],
    ['3', '18', 0],
  ]),
  // TK-2: no flows, loses 50 then 100 m3.
  ...series(L2, [
    ['1', '00', 5],
    ['1', '18', 5],
    ['2', '18', 4],
    ['3', '18', 2],
  ]),
];

/** Cells as plain values: DATE, DATETIME and TIMESTAMP objects become their text. */
function plain(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, v !== null && typeof v === 'object' && 'value' in v ? String((v as { value: unknown }).value) : v]),
    ),
  );
}

describe('energy cost and tank views', () => {
  let lake: TestLake;
  const q = async (sql: string) => plain(await lake.query(sql));

  beforeAll(async () => {
    lake = await createTestLake('analytics', { views: true });
    await lake.config.file(OBJECTS.tariffs).save(TARIFFS, { resumable: false });
    await lake.config.file(OBJECTS.tagCatalog).save(CATALOG, { resumable: false });
    await publish(lake.raw, { batchId: 'energy-1', site: FDR, readings: energy, ingestedAt: '2024-04-02T00:00:00Z' });
    await publish(lake.raw, { batchId: 'tank-1', site: REF, readings: tank, ingestedAt: '2024-04-04T00:00:00Z' });
    const report = await lake.run({ mode: 'daily' }, new Date('2024-04-05T03:00:00Z'));
    expect(report.status).toBe('succeeded');
    expect(report.warnings).toEqual([]);
  });

  afterAll(() => lake?.stop());

  it('loads the tariff grid (168 rows per period) and the meters', async () => {
    expect(
      await q(`SELECT tariff, COUNT(*) AS n, COUNT(DISTINCT CONCAT(weekday, '-', hour)) AS hours FROM ${lake.t('tariffs')} GROUP BY tariff ORDER BY tariff`),
    ).toEqual([
      { tariff: 'new', n: 168, hours: 168 },
      { tariff: 'old', n: 168, hours: 168 },
    ]);
    expect(await q(`SELECT tag, kind, rollover_at FROM ${lake.t('energy_meters')} ORDER BY tag`)).toEqual([
      { tag: M2, kind: 'power', rollover_at: null },
      { tag: M1, kind: 'register', rollover_at: null },
      { tag: M3, kind: 'register', rollover_at: 1000 },
    ]);
  });

  it('energy_cost_intervals: local midnight, daylight saving, a reset, a rollover, a power tag, a tariff change', async () => {
    const rows = await q(
      `SELECT tag, local_day, local_start, interval_end, counter_event, kwh, tariff, band, price_per_kwh, cost FROM ${lake.t('energy_cost_intervals')} ORDER BY tag, interval_start`,
    );
    const row = (
      tag: string,
      local_day: string,
      local_start: string,
      interval_end: string,
      kwh: number,
      tariff: string,
      band: string,
      price: number,
      counter_event: string | null = null,
    ) => ({ tag, local_day, local_start, interval_end, counter_event, kwh, tariff, band, price_per_kwh: price, cost: kwh * price });
    expect(rows).toEqual([
      row(M2, '2024-04-01', '2024-04-01T12:00:00', '2024-04-01T10:15:00.000Z', 50, 'new', 'peak', 1),
      row(M1, '2024-03-29', '2024-03-29T23:45:00', '2024-03-29T23:00:00.000Z', 10, 'old', 'off-peak', 0.25),
      row(M1, '2024-03-30', '2024-03-30T00:00:00', '2024-03-29T23:15:00.000Z', 20, 'old', 'weekend-night', 0.0625),
      row(M1, '2024-03-30', '2024-03-30T00:15:00', '2024-03-31T00:30:00.000Z', 20, 'old', 'weekend-night', 0.0625),
      row(M1, '2024-03-31', '2024-03-31T01:30:00', '2024-03-31T01:00:00.000Z', 20, 'old', 'weekend-night', 0.0625),
      row(M1, '2024-03-31', '2024-03-31T03:00:00', '2024-03-31T01:30:00.000Z', 30, 'old', 'weekend', 0.125),
      row(M1, '2024-03-31', '2024-03-31T03:30:00', '2024-04-01T10:00:00.000Z', 20, 'old', 'weekend', 0.125),
      row(M1, '2024-04-01', '2024-04-01T12:00:00', '2024-04-01T10:15:00.000Z', 5, 'new', 'peak', 1, 'reset'),
      row(M3, '2024-04-01', '2024-04-01T12:00:00', '2024-04-01T10:15:00.000Z', 8, 'new', 'peak', 1, 'rollover'),
    ]);
  });

  it('energy_cost_hourly: one row per meter and local hour, the hour after the DST change is 03:00 local at 01:00Z', async () => {
    expect(
      await q(
        `SELECT local_hour, hour_start, band, intervals, kwh, cost FROM ${lake.t('energy_cost_hourly')} WHERE tag = '${M1}' AND local_day = '2024-03-31' ORDER BY hour_start`,
      ),
    ).toEqual([
      { local_hour: '2024-03-31T01:00:00', hour_start: '2024-03-31T00:00:00.000Z', band: 'weekend-night', intervals: 1, kwh: 20, cost: 1.25 },
      { local_hour: '2024-03-31T03:00:00', hour_start: '2024-03-31T01:00:00.000Z', band: 'weekend', intervals: 2, kwh: 50, cost: 6.25 },
    ]);
  });

  it('energy_cost_daily and energy_cost_site_daily: per meter and per site, by local day', async () => {
    expect(
      await q(
        `SELECT local_day, kwh, cost, peak_kwh, unpriced_kwh, resets, rollovers FROM ${lake.t('energy_cost_daily')} WHERE tag = '${M1}' ORDER BY local_day`,
      ),
    ).toEqual([
      { local_day: '2024-03-29', kwh: 10, cost: 2.5, peak_kwh: 0, unpriced_kwh: 0, resets: 0, rollovers: 0 },
      { local_day: '2024-03-30', kwh: 40, cost: 2.5, peak_kwh: 0, unpriced_kwh: 0, resets: 0, rollovers: 0 },
      { local_day: '2024-03-31', kwh: 70, cost: 6.25 + 1.25, peak_kwh: 0, unpriced_kwh: 0, resets: 0, rollovers: 0 },
      { local_day: '2024-04-01', kwh: 5, cost: 5, peak_kwh: 5, unpriced_kwh: 0, resets: 1, rollovers: 0 },
    ]);
    expect(await q(`SELECT site, local_day, currency, meters, kwh, cost FROM ${lake.t('energy_cost_site_daily')} WHERE local_day = '2024-04-01'`)).toEqual([
      { site: FDR, local_day: '2024-04-01', currency: 'EUR', meters: 3, kwh: 63, cost: 63 },
    ]);
  });

  it('energy_peak_demand_monthly: highest 15-minute demand per local month and its charge', async () => {
    expect(
      await q(
        `SELECT month, peak_kw, peak_at, peak_local, tariff, demand_charge_per_kw, demand_charge FROM ${lake.t('energy_peak_demand_monthly')} ORDER BY month`,
      ),
    ).toEqual([
      {
        month: '2024-03-01',
        peak_kw: 120,
        peak_at: '2024-03-31T01:00:00.000Z',
        peak_local: '2024-03-31T03:00:00',
        tariff: 'old',
        demand_charge_per_kw: 2,
        demand_charge: 240,
      },
      {
        month: '2024-04-01',
        peak_kw: 252,
        peak_at: '2024-04-01T10:00:00.000Z',
        peak_local: '2024-04-01T12:00:00',
        tariff: 'new',
        demand_charge_per_kw: 3,
        demand_charge: 756,
      },
    ]);
  });

  it('tank_balance_daily: a receipt, a dispatch, and a leak of 40 m3 found as the unexplained difference', async () => {
    expect(
      await q(
        `SELECT tank, day, opening_stock, closing_stock, receipts, dispatches, stock_change, unexplained, unexplained_share, out_of_range_readings FROM ${lake.t('tank_balance_daily')} ORDER BY tank, day`,
      ),
    ).toEqual([
      {
        tank: 'TK-1',
        day: '2024-04-01',
        opening_stock: 1000,
        closing_stock: 1600,
        receipts: 600,
        dispatches: 0,
        stock_change: 600,
        unexplained: 0,
        unexplained_share: 0,
        out_of_range_readings: 0,
      },
      {
        tank: 'TK-1',
        day: '2024-04-02',
        opening_stock: 1600,
        closing_stock: 400,
        receipts: 0,
        dispatches: 1200,
        stock_change: -1200,
        unexplained: 0,
        unexplained_share: 0,
        out_of_range_readings: 0,
      },
      {
        tank: 'TK-1',
        day: '2024-04-03',
        opening_stock: 400,
        closing_stock: 600,
        receipts: 240,
        dispatches: 0,
        stock_change: 200,
        unexplained: -40,
        unexplained_share: -40 / 240,
        out_of_range_readings: 1,
      },
      {
        tank: 'TK-2',
        day: '2024-04-01',
        opening_stock: 250,
        closing_stock: 250,
        receipts: 0,
        dispatches: 0,
        stock_change: 0,
        unexplained: 0,
        unexplained_share: null,
        out_of_range_readings: 0,
      },
      {
        tank: 'TK-2',
        day: '2024-04-02',
        opening_stock: 250,
        closing_stock: 200,
        receipts: 0,
        dispatches: 0,
        stock_change: -50,
        unexplained: -50,
        unexplained_share: null,
        out_of_range_readings: 0,
      },
      {
        tank: 'TK-2',
        day: '2024-04-03',
        opening_stock: 200,
        closing_stock: 100,
        receipts: 0,
        dispatches: 0,
        stock_change: -100,
        unexplained: -100,
        unexplained_share: null,
        out_of_range_readings: 0,
      },
    ]);
  });

  it('tank_stock: the strapping table read linearly, a level above it clamped and flagged', async () => {
    expect(await q(`SELECT ts, level, volume, out_of_range FROM ${lake.t('tank_stock')} WHERE tank = 'TK-1' AND day = '2024-04-03' ORDER BY ts`)).toEqual([
      { ts: '2024-04-03T00:00:00.000Z', level: 4, volume: 400, out_of_range: false },
      { ts: '2024-04-03T06:00:00.000Z', level: 25, volume: 2500, out_of_range: true },
      { ts: '2024-04-03T12:00:00.000Z', level: 5, volume: 500, out_of_range: false },
      { ts: '2024-04-03T18:00:00.000Z', level: 6, volume: 600, out_of_range: false },
    ]);
  });

  it('tank_days_of_cover and product_days_of_cover: days until empty at the trend of the last days', async () => {
    const tanks = await q(
      `SELECT tank, closing_stock, trend_per_day, trend_days, days_to_empty, days_to_full FROM ${lake.t('tank_days_of_cover')} WHERE day = '2024-04-03' ORDER BY tank`,
    );
    expect(tanks).toEqual([
      {
        tank: 'TK-1',
        closing_stock: 600,
        trend_per_day: (600 - 1200 + 200) / 3,
        trend_days: 3,
        days_to_empty: 600 / ((1200 - 600 - 200) / 3),
        days_to_full: null,
      },
      { tank: 'TK-2', closing_stock: 100, trend_per_day: -50, trend_days: 3, days_to_empty: 2, days_to_full: null },
    ]);
    const day1 = await q(
      `SELECT tank, trend_per_day, days_to_empty, days_to_full FROM ${lake.t('tank_days_of_cover')} WHERE day = '2024-04-01' AND tank = 'TK-1'`,
    );
    expect(day1).toEqual([{ tank: 'TK-1', trend_per_day: 600, days_to_empty: null, days_to_full: (2400 - 1600) / 600 }]);
    const products = await q(
      `SELECT site, product, tanks, stock, capacity, trend_per_day, days_to_empty FROM ${lake.t('product_days_of_cover')} WHERE day = '2024-04-03'`,
    );
    expect(products).toHaveLength(1);
    expect(products[0]).toMatchObject({ site: REF, product: 'crude', tanks: 2, stock: 700, capacity: 2900 });
    expect(products[0]!.trend_per_day as number).toBeCloseTo(-400 / 3 - 50, 9);
    expect(products[0]!.days_to_empty as number).toBeCloseTo(700 / (400 / 3 + 50), 9);
  });
});
