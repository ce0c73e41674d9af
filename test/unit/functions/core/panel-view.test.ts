import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  emptySnapshot,
  emptyState,
  mergeSnapshot,
  officeView,
  parseTagCatalog,
  siteView,
  stockAt,
  validateBatch,
  type Reading,
} from '../../../../functions/core/index.ts';

const parsed = parseTagCatalog(readFileSync(new URL('../../../fixtures/panel/tags.yaml', import.meta.url), 'utf8'));
if (!parsed.ok) throw new Error(parsed.reason);
const catalog = parsed.catalog;
const now = new Date('2026-12-01T12:00:00Z');

function snapshot(site: string, readings: Array<Partial<Reading> & { tag: string; value: number | null }>) {
  const b = validateBatch(
    {
      batchId: `v-${site}`,
      site,
      source: 't',
      sentAt: now.toISOString(),
      readings: readings.map((r) => ({ ts: '2026-12-01T11:59:00Z', quality: 'good', ...r })),
    },
    now,
  );
  if (!b.ok) throw new Error(b.reason);
  return mergeSnapshot(emptySnapshot(site), b.batch, { events: [], state: emptyState(), rules: null, now });
}

describe('panel view', () => {
  it('groups tags by KKS system then equipment, with catalog descriptions', () => {
    const v = siteView(
      'REF-01',
      snapshot('REF-01', [
        { tag: '10EGC10CP001', value: 9 },
        { tag: '10EGB10CT001', value: 30 },
        { tag: '10EGB10CL001', value: 40 },
        { tag: '10XYZ10CP001', value: 1 },
      ]),
      catalog,
    );
    expect(v.systems.map((s) => [s.code, s.label])).toEqual([
      ['10EGB', 'tank farm'],
      ['10EGC', 'pump house'],
      ['10XYZ', null],
    ]);
    expect(v.systems[0]!.equipment.map((e) => [e.code, e.label, e.rows.map((r) => r.tag)])).toEqual([['10EGB10', 'TK-101', ['10EGB10CL001', '10EGB10CT001']]]);
    expect(v.systems[2]!.equipment[0]!.rows[0]).toMatchObject({ description: null, value: 1 });
  });

  it('gives each tank its stock from the strapping table, and no stock for an unknown or bad level', () => {
    const v = siteView(
      'REF-01',
      snapshot('REF-01', [
        { tag: '10EGB10CL001', value: 27.5 },
        { tag: '10EGB20CL001', value: null, quality: 'bad' },
      ]),
      catalog,
    );
    const tk101 = v.tanks.find((t) => t.tank === 'TK-101')!;
    expect(tk101.volume).toBeCloseTo(2300 + (22.5 / 45) * 22500, 9);
    expect(tk101.percentFull).toBeCloseTo((tk101.volume! / 50000) * 100, 9);
    expect(v.tanks.find((t) => t.tank === 'TK-102')).toMatchObject({ volume: null, level: null, percentFull: null });
  });

  it('sums stock per product across sites, counting tanks without a level apart', () => {
    const ref = siteView('REF-01', snapshot('REF-01', [{ tag: '10EGB10CL001', value: 60 }]), catalog);
    const ref2 = siteView(
      'REF-02',
      snapshot('REF-02', [
        { tag: '40EGB10CL001', value: 50 },
        { tag: '40EGB20CL001', value: 10 },
      ]),
      catalog,
    );
    const office = officeView([ref, ref2]);
    const tank = (t: string) => catalog.tanks.find((k) => k.tank === t)!;
    const crude = office.products.find((p) => p.product === 'crude')!;
    expect(crude.volume).toBeCloseTo(stockAt(tank('TK-101'), 60).volume + stockAt(tank('TK-201'), 50).volume, 9);
    expect(crude).toMatchObject({ unknownTanks: 1, capacity: 50000 + 30000 + 20000, volumeUnit: 'm3' });
    expect(office.products.find((p) => p.product === 'diesel')!.volume).toBeCloseTo(750, 9);
    expect(office.sites.map((s) => s.site)).toEqual(['REF-01', 'REF-02']);
    expect(siteView('FDR-01', null, catalog)).toMatchObject({ updatedAt: null, tanks: [], systems: [], alarms: [] });
  });
});
