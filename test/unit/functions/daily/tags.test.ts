// Rebuilding tags: catalog fields, KKS breakdown, first/last seen only widen, invalid catalog kept.
import { describe, expect, it } from 'vitest';
import { parseTagCatalog } from '../../../../functions/core/tag-catalog.ts';
import { mergeTags } from '../../../../functions/daily/tags.ts';

const now = new Date('2024-03-05T02:00:00Z');
const parsed = parseTagCatalog(`
version: "7"
tags:
  - tag: 10LAB10CP001
    site: A
    description: Feedwater pressure
    unit: bar
    area: boiler house
  - tag: 10LAB10CT001
    site: A
    description: Feedwater temperature
`);
if (!parsed.ok) throw new Error(parsed.reason);
const catalog = { kind: 'catalog' as const, catalog: parsed.catalog };

describe('mergeTags', () => {
  it('joins the catalog with what was seen and splits each KKS code', () => {
    const rows = mergeTags(
      [],
      catalog,
      [
        { site: 'A', tag: '10LAB10CP001', first: '2024-03-01T00:00:00.000Z', last: '2024-03-01T23:59:50.000Z' },
        { site: 'B', tag: '20LAC20CF002', first: '2024-03-01T01:00:00.000Z', last: '2024-03-01T02:00:00.000Z' },
      ],
      now,
    );
    expect(rows.map((r) => [r.site, r.tag, r.in_catalog, r.first_seen, r.measured_quantity])).toEqual([
      ['A', '10LAB10CP001', true, '2024-03-01T00:00:00.000Z', 'pressure'],
      ['A', '10LAB10CT001', true, null, 'temperature'],
      ['B', '20LAC20CF002', false, '2024-03-01T01:00:00.000Z', 'flow'],
    ]);
    expect(rows[0]).toMatchObject({
      description: 'Feedwater pressure',
      unit: 'bar',
      area: 'boiler house',
      plant: '10',
      function_key: 'LAB10',
      equipment_unit: 'CP001',
    });
    expect(rows[2]).toMatchObject({ site: 'B', description: null, plant: '20', updated_at: now.toISOString() });
  });

  it('only widens first and last seen', () => {
    const first = mergeTags([], catalog, [{ site: 'A', tag: '10LAB10CP001', first: '2024-03-02T00:00:00.000Z', last: '2024-03-02T10:00:00.000Z' }], now);
    const second = mergeTags(first, catalog, [{ site: 'A', tag: '10LAB10CP001', first: '2024-03-01T05:00:00.000Z', last: '2024-03-01T06:00:00.000Z' }], now);
    expect(second.find((r) => r.tag === '10LAB10CP001')).toMatchObject({ first_seen: '2024-03-01T05:00:00.000Z', last_seen: '2024-03-02T10:00:00.000Z' });
  });

  it('keeps catalog fields while the catalog file is invalid, and clears them when it is gone', () => {
    const first = mergeTags([], catalog, [], now);
    expect(mergeTags(first, { kind: 'invalid' }, [], now).find((r) => r.tag === '10LAB10CP001')).toMatchObject({
      description: 'Feedwater pressure',
      in_catalog: true,
    });
    expect(mergeTags(first, { kind: 'absent' }, [], now).find((r) => r.tag === '10LAB10CP001')).toMatchObject({ description: null, in_catalog: false });
  });
});
