// The daily run's time by calculation (cli/daily-time-model.ts) and the daily lines of the bill.
import { describe, expect, it } from 'vitest';
import { billPlant, measureSizes, PRICE_KEYS, R1, type PriceTable } from '../../../cli/cost-model.ts';
import { ASSUMED, composeRequests, dailyRunTime } from '../../../cli/daily-time-model.ts';

const unitPrices = Object.fromEntries(
  PRICE_KEYS.map((k) => [k, { price: 1, unit: 'u', what: k, source: 'https://example.test', read: '2026-12-01', free: 0 }]),
) as unknown as PriceTable;
const R10 = { ...R1, tags: 100_000, sites: 100 };

describe('daily run time by calculation', () => {
  it('fits R1 and R10 in the 1,500 s budget, the lifecycle within its 20 % share, the load first', () => {
    const r1 = billPlant(unitPrices, R1).daily!;
    const r10 = billPlant(unitPrices, R10).daily!;
    expect(r1.seconds).toBeLessThan(r1.budgetSeconds);
    expect(r10.seconds).toBeLessThan(r10.budgetSeconds);
    const step = (d: typeof r1, name: string) => d.steps.find((s) => s.step === name)!.seconds;
    expect(step(r10, 'compaction') + step(r10, 'Coldline move')).toBeLessThanOrEqual(0.2 * r10.budgetSeconds + 1);
    const largest = [...r10.steps].sort((a, b) => b.seconds - a.seconds)[0]!;
    expect(largest.step).toBe('staging load');
    // Ten times the objects, about ten times the compaction (compose requests and deletes go by objects).
    expect(step(r10, 'compaction') / step(r1, 'compaction')).toBeGreaterThan(8);
  });

  it('lists the recent days object by object and, of older days, the window and a weekly sweep by their compacted objects', () => {
    const shape = { readingsPerDay: 1e6, objectsPerDay: 1000, sites: 2, rawBytesPerReading: 10, bigqueryBytesPerRow: 80, coldlineAgeDays: 9, daysInLake: 100 };
    const listing = dailyRunTime(shape).steps.find((s) => s.step === 'listing')!;
    // 2 + 1 recent days, 7 due for Coldline, 15 of the sweep: 25 days. Yesterday's 1,000 objects and
    // the first hour of today (42), 23 compacted days × 2 objects = 1,088 objects: 2 pages + 3 per day + 2.
    expect(listing.how).toMatch(/^1,088 objects listed over 25 of 100 days/);
    expect(listing.seconds).toBeCloseTo(((2 + 75 + 2) * ASSUMED.listPageSeconds) / 8, 6);
  });

  it('composes a site-day of 8,640 objects in 280 requests and reads nothing', () => {
    expect(composeRequests(8_640)).toBe(280);
    expect(composeRequests(32)).toBe(1);
    expect(composeRequests(33)).toBe(3);
    expect(composeRequests(1)).toBe(1);
  });

  it('bills the daily function for its run time, compose requests and manifests, and no object read', () => {
    const bill = billPlant(unitPrices, R1, measureSizes(R1));
    const line = (item: RegExp) => bill.lines.filter((l) => item.test(l.item));
    const cpu = bill.lines.find((l) => l.component === 'daily' && l.item === 'CPU')!;
    expect(cpu.quantity).toBeCloseTo(30 * bill.daily!.seconds * R1.functionVcpu, 6);
    expect(line(/mark each source/)).toEqual([]);
    expect(line(/row checks/)).toEqual([]);
    expect(line(/reads each raw object/)).toEqual([]);
    // a compose tree is about one request per 31 sources
    expect(line(/compose compacted objects/)[0]!.quantity).toBeGreaterThan(bill.batchesPerMonth / 32 / 1000);
    expect(line(/compose compacted objects/)[0]!.quantity).toBeLessThan(bill.batchesPerMonth / 28 / 1000);
  });

  it("bills Coldline's 90-day minimum when retention deletes data sooner", () => {
    const kept = billPlant(unitPrices, { ...R1, retentionDays: 60 });
    const early = kept.lines.find((l) => /early deletion/.test(l.item))!;
    expect(early.item).toBe('Coldline early deletion (30 of its 90 minimum days)');
    expect(billPlant(unitPrices, R1).lines.some((l) => /early deletion/.test(l.item))).toBe(false);
  });
});
