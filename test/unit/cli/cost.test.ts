import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../../cli/plantlake.ts';
import {
  batchSecondsForGoal,
  batchShape,
  bigqueryLogicalBytes,
  billPerReading,
  billPlant,
  GOAL_PER_MILLION_READINGS,
  measureSizes,
  parsePriceTable,
  PRICE_KEYS,
  R1,
  type PriceTable,
  type Sizes,
} from '../../../cli/cost-model.ts';

const shipped = readFileSync(new URL('../../../config/prices.yaml', import.meta.url), 'utf8');

/** Every price 1 per unit and no free tier, so each line's cost is its quantity. */
const unitPrices = Object.fromEntries(
  PRICE_KEYS.map((k) => [k, { price: 1, unit: 'u', what: k, source: 'https://example.test', read: '2026-12-01', free: 0 }]),
) as unknown as PriceTable;

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
  try {
    return { code: await main(args), out: out.join(''), err: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('plantlake cost', () => {
  it('reads the shipped price table: every price with its page and the day it was checked', () => {
    const table = parsePriceTable(shipped);
    for (const key of PRICE_KEYS) {
      expect(table[key].source).toMatch(/^https:\/\/cloud\.google\.com\//);
      expect(table[key].read).toMatch(/^(\d{4}-\d{2}-\d{2}|unverified)$/);
    }
    expect(table.pubsubThroughput).toMatchObject({ price: 40, unit: 'TiB' });
    expect(() => parsePriceTable('prices: {}')).toThrow('prices.pubsubThroughput is missing; add it with price, unit, what, source and read');
    expect(() => parsePriceTable(shipped.replace('price: 40', 'price: -1'))).toThrow('prices.pubsubThroughput.price must be a number ≥ 0');
  });

  it('shapes batches: one per site per interval, several intervals buffered, split at the batch limit', () => {
    expect(batchShape(R1)).toEqual({ readingsPerBatch: 1000, batchesPerMonth: 10 * 8640 * 30 });
    expect(batchShape({ ...R1, batchSeconds: 60 })).toEqual({ readingsPerBatch: 6000, batchesPerMonth: 10 * 1440 * 30 });
    // 120,000 tags at one site: 3 batches of 40,000 (the limit is 50,000 a batch).
    expect(batchShape({ ...R1, tags: 120_000, sites: 1 })).toEqual({ readingsPerBatch: 40_000, batchesPerMonth: 3 * 8640 * 30 });
  });

  it('measures sizes on real encodings: gzip smaller than JSON, BigQuery logical bytes by type', () => {
    const json = measureSizes({ ...R1, wire: 'json' });
    const gzip = measureSizes({ ...R1, wire: 'gzip' });
    expect(json.wireBytesPerReading).toBeGreaterThan(60);
    expect(gzip.wireBytesPerReading).toBeLessThan(json.wireBytesPerReading / 3);
    expect(json.rawBytesPerReading).toBeLessThan(json.wireBytesPerReading / 3);
    const row = { site: 'REF-01', tag: '10LAB10CP001', ts: 'x', value: 1.5, quality: 'good', unit: null, batch_id: 'b1', ingested_at: 'y' } as const;
    // site 2+6, tag 2+12, ts 8, value 8, quality 2+4, unit NULL 0, batch_id 2+2, ingested_at 8
    expect(bigqueryLogicalBytes(row)).toBe(8 + 14 + 8 + 8 + 6 + 0 + 4 + 8);
    expect(bigqueryLogicalBytes({ ...row, value: null, unit: 'bar' })).toBe(8 + 14 + 8 + 0 + 6 + 5 + 4 + 8);
  });

  it("bills each component from the plant's volumes", () => {
    const sizes: Sizes = { wireBytesPerReading: 100, wireBytesPerBatch: 0, rawBytesPerReading: 10, bigqueryBytesPerRow: 80 };
    const plant = { ...R1, alarmsPerDay: 0, month: 1, bigqueryStorage: 'logical' as const };
    const bill = billPlant(unitPrices, plant, sizes);
    const line = (item: string) => bill.lines.find((l) => l.item.startsWith(item))!;
    const batches = 2_592_000;
    expect(bill.batchesPerMonth).toBe(batches);
    expect(bill.readingsPerMonth).toBe(2_592_000_000);
    expect(line('readings: publish').quantity).toBeCloseTo((3 * batches * 100_000) / 2 ** 40, 12);
    expect(line('land: one raw object').quantity).toBe(batches / 1000);
    expect(bill.lines.find((l) => l.component === 'detect' && l.item === 'CPU')!.quantity).toBeCloseTo((batches * 0.1) / 3, 6);
    // Month 1: 30 days of raw data, all in Standard (Coldline after 30 days), none in Coldline.
    expect(line('Standard:').quantity).toBeCloseTo((30 * 86_400_000 * 10) / 2 ** 30, 6);
    expect(line('Coldline:').quantity).toBe(0);
    expect(line('readings, active logical').quantity).toBeCloseTo((30 * 86_400_000 * 80) / 2 ** 30, 6);
    expect(bill.list).toBeCloseTo(
      bill.lines.reduce((s, l) => s + l.quantity, 0),
      6,
    );
    expect(bill.perMillionReadings).toBeCloseTo(bill.list / 2592, 9);
  });

  it('applies a free allowance once per price, however many lines use it', () => {
    const prices = { ...unitPrices, runRequests: { ...unitPrices.runRequests, free: 2 } };
    const bill = billPlant(prices, { ...R1, alarmsPerDay: 0 }, { wireBytesPerReading: 1, wireBytesPerBatch: 0, rawBytesPerReading: 1, bigqueryBytesPerRow: 1 });
    const requests = bill.lines.filter((l) => l.price === 'runRequests');
    expect(requests.map((l) => [l.component, l.list, l.billed])).toEqual(
      [
        ['land', 2.592, 0.592],
        ['detect', 2.592, 2.592],
        ['notify', 0, 0],
        ['daily', 0.00003, 0.00003],
      ].map(([c, list, billed]) => [c, expect.closeTo(list as number, 9), expect.closeTo(billed as number, 9)]),
    );
  });

  it('bills the per-reading design a call, an object and a ≥ 1 KB streaming insert per reading', () => {
    const bill = billPerReading(unitPrices, R1, measureSizes(R1));
    const readings = 2_592_000_000;
    expect(bill.lines.find((l) => l.item.startsWith('an object per reading'))!.quantity).toBe(readings / 1000);
    expect(bill.lines.find((l) => l.item === 'requests')!.quantity).toBe(readings / 1e6);
    expect(bill.lines.find((l) => l.item.startsWith('streaming insert'))!.quantity).toBeCloseTo((readings * 1024) / 2 ** 30, 3);
  });

  it('finds the shortest batch period that meets the goal, a whole number of intervals', () => {
    const prices = parsePriceTable(shipped);
    const lever = batchSecondsForGoal(prices, R1)!;
    expect(lever.batchSeconds % R1.intervalSeconds).toBe(0);
    expect(billPlant(prices, { ...R1, batchSeconds: lever.batchSeconds }).perMillionReadings).toBeLessThanOrEqual(GOAL_PER_MILLION_READINGS);
    expect(lever.perMillionReadings).toBe(billPlant(prices, { ...R1, batchSeconds: lever.batchSeconds }).perMillionReadings);
    expect(billPlant(prices, { ...R1, batchSeconds: lever.batchSeconds - R1.intervalSeconds }).perMillionReadings).toBeGreaterThan(GOAL_PER_MILLION_READINGS);
    // Already within the goal: its own interval; a goal no batching reaches (storage stays): none.
    expect(batchSecondsForGoal(prices, R1, 1)).toEqual({ batchSeconds: 10, perMillionReadings: billPlant(prices, R1).perMillionReadings });
    expect(batchSecondsForGoal(prices, R1, 0.001)).toBeNull();
  });

  it("prints R1's bill with its sources, and refuses contradictory options with exit code 2", async () => {
    const ok = await run(['cost']);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('10,000 tags over 10 sites');
    expect(ok.out).toMatch(/cost per million readings: \$0\.\d{5} at list price \(goal ≤ \$0\.01000: not met; met from a batch per site every \d+ s/);
    expect((await run(['cost', '--batch-seconds', '330'])).out).toMatch(/goal ≤ \$0\.01000: met\)/);
    expect(ok.out).toContain('per-reading design');
    expect(ok.out).toContain('https://cloud.google.com/pubsub/pricing (read 2026-09-20)');
    const bad = await run(['cost', '--retention-days', '30', '--coldline-age-days', '30']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--retention-days 30 must be more than --coldline-age-days 30');
  });
});
