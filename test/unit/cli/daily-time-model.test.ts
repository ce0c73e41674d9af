// The daily run's time by calculation (cli/daily-time-model.ts) and the daily lines of the bill.
import { describe, expect, it } from 'vitest';
import { billPlant, measureSizes, PRICE_KEYS, R1, type PriceTable } from '../../../cli/cost-model.ts';
import { ASSUMED, dailyRunTime } from '../../../cli/daily-time-model.ts';

const unitPrices = Object.fromEntries(
  PRICE_KEYS.map((k) => [k, { price: 1, unit: 'u', what: k, source: 'https://example.test', read: '2026-12-01', free: 0 }]),
) as unknown as PriceTable;
const R10 = { ...R1, tags: 100_000, sites: 100 };

describe('daily run time by calculation', () => {
  it('fits R1 in the 1,500 s budget and says R10 does not, compaction first', () => {
    const r1 = billPlant(unitPrices, R1).daily!;
    const r10 = billPlant(unitPrices, R10).daily!;
    expect(r1.seconds).toBeLessThan(r1.budgetSeconds);
    expect(r10.seconds).toBeGreaterThan(r10.budgetSeconds);
    const largest = [...r10.steps].sort((a, b) => b.seconds - a.seconds)[0]!;
    expect(largest.step).toBe('compaction');
    // Ten times the objects, about ten times the time of each step that goes by objects.
    const step = (d: typeof r1, name: string) => d.steps.find((s) => s.step === name)!.seconds;
    expect(step(r10, 'compaction') / step(r1, 'compaction')).toBeGreaterThan(8);
  });

  it('lists the newest days object by object and older days by their compacted objects', () => {
    const shape = { readingsPerDay: 1e6, objectsPerDay: 1000, sites: 2, rawBytesPerReading: 10, bigqueryBytesPerRow: 80, coldlineAgeDays: 9, daysInLake: 100 };
    const listing = dailyRunTime(shape).steps.find((s) => s.step === 'listing')!;
    // 10 days × 1,000 objects + 90 days × 2 compacted objects = 10,180 objects: 11 pages + 2 per day.
    expect(listing.how).toMatch(/^10,180 objects listed/);
    expect(listing.seconds).toBeCloseTo(((11 + 200) * ASSUMED.listPageSeconds) / 8, 6);
  });

  it('bills the daily function for its run time, the marks of compaction, and no object read for the load', () => {
    const bill = billPlant(unitPrices, R1, measureSizes(R1));
    const line = (item: RegExp) => bill.lines.filter((l) => item.test(l.item));
    const cpu = bill.lines.find((l) => l.component === 'daily' && l.item === 'CPU')!;
    expect(cpu.quantity).toBeCloseTo(30 * bill.daily!.seconds * R1.functionVcpu, 6);
    expect(line(/mark each source/)[0]!.quantity).toBeCloseTo(bill.batchesPerMonth / 1000, 6);
    expect(line(/row checks/)).toEqual([]);
    expect(line(/compaction reads each raw object once/)).toHaveLength(1);
  });

  it('bills Coldline\'s 90-day minimum when retention deletes data sooner', () => {
    const kept = billPlant(unitPrices, { ...R1, retentionDays: 60 });
    const early = kept.lines.find((l) => /early deletion/.test(l.item))!;
    expect(early.item).toBe('Coldline early deletion (30 of its 90 minimum days)');
    expect(billPlant(unitPrices, R1).lines.some((l) => /early deletion/.test(l.item))).toBe(false);
  });
});
