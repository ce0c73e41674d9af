import { describe, expect, it } from 'vitest';
import { formatProblem, parseTagCatalog } from '../../../../functions/core/index.ts';

describe('tag catalog', () => {
  it('reads YAML, normalises tags and splits them', () => {
    const result = parseTagCatalog(`
version: "1"
tags:
  - { tag: "10 LAB10 CP001", site: REF-01, description: Feedwater pressure, unit: bar, area: boiler house, equipment: feed line A, legacyName: PT-101 }
  - { tag: "10LAB10CP001", site: REF-02 }
`);
    if (!result.ok) throw new Error(result.reason);
    expect(result.catalog.entries).toHaveLength(2);
    expect(result.catalog.get('REF-01', '10LAB10CP001')).toMatchObject({
      tag: '10LAB10CP001',
      unit: 'bar',
      legacyName: 'PT-101',
      kks: { functionKey: 'LAB10', measuredQuantity: 'pressure' },
    });
    expect(result.catalog.get('REF-03', '10LAB10CP001')).toBeUndefined();
  });

  it('lists every problem: schema, KKS and duplicates', () => {
    const result = parseTagCatalog({
      tags: [
        { tag: '10LAB10CP001', site: 'REF-01' },
        { tag: '10 LAB10 CP001', site: 'REF-01' },
        { tag: '10LAB10CP01', site: 'REF-01' },
      ],
    });
    expect(result.ok || result.problems.map(formatProblem)).toEqual([
      'tags[1].tag: 10LAB10CP001 at site REF-01 is already listed at tags[0]; keep one entry',
      'tags[2].tag: "10LAB10CP01" is not a KKS code: equipment unit "CP01" must be 2 letters, 3 digits and an optional letter (AANNN(A), e.g. "CP001")',
    ]);
    const wrong = parseTagCatalog({ tags: [{ tag: '10LAB10CP001' }] });
    expect(wrong.ok || wrong.reason).toBe('invalid tag catalog; fix it and upload the file again (1 problem): tags[0].site: missing; this field is required');
  });
});
