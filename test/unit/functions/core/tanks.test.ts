import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem, parseTagCatalog, stockAt, volumeAt } from '../../../../functions/core/index.ts';

const strapping = [
  { level: 0, volume: 0 },
  { level: 10, volume: 800 },
  { level: 100, volume: 10_000 },
];

describe('tanks', () => {
  it('reads a strapping table linearly between points and flags levels outside it', () => {
    expect(volumeAt(strapping, 5)).toEqual({ volume: 400, outOfRange: false });
    expect(volumeAt(strapping, 10)).toEqual({ volume: 800, outOfRange: false });
    expect(volumeAt(strapping, 55)).toEqual({ volume: 800 + (45 / 90) * 9200, outOfRange: false });
    expect(volumeAt(strapping, 100)).toEqual({ volume: 10_000, outOfRange: false });
    expect(volumeAt(strapping, 104)).toEqual({ volume: 10_000, outOfRange: true });
    expect(volumeAt(strapping, -1)).toEqual({ volume: 0, outOfRange: true });
    expect(stockAt({ strapping, capacity: 8000 }, 55)).toMatchObject({ volume: 5400, percentFull: 67.5 });
  });

  it('checks tanks against the catalog: tags at the site, rising tables, unique names', () => {
    const result = parseTagCatalog({
      tags: [
        { tag: '10EGB10CL001', site: 'REF-01' },
        { tag: '10EGC10CF001', site: 'REF-01' },
      ],
      tanks: [
        { site: 'REF-01', tank: 'TK-1', product: 'crude', levelTag: '10 EGB10 CL001', capacity: 10, strapping, outflowTags: ['10EGC10CF001'] },
        { site: 'REF-01', tank: 'TK-1', product: 'crude', levelTag: '10EGB10CL001', capacity: 10, strapping },
        { site: 'REF-02', tank: 'TK-2', product: 'crude', levelTag: '10EGB10CL001', capacity: 10, strapping },
        {
          site: 'REF-01',
          tank: 'TK-3',
          product: 'crude',
          levelTag: '10EGB10CL001',
          capacity: 10,
          strapping: [
            { level: 0, volume: 5 },
            { level: 0, volume: 6 },
          ],
        },
        {
          site: 'REF-01',
          tank: 'TK-4',
          product: 'crude',
          levelTag: '10EGB10CL001',
          capacity: 10,
          strapping: [
            { level: 0, volume: 5 },
            { level: 1, volume: 4 },
          ],
        },
      ],
    });
    expect(result.ok || result.problems.map(formatProblem)).toEqual([
      'tanks[1].tank: tank TK-1 at site REF-01 is already listed at tanks[0]; keep one entry',
      "tanks[2].levelTag: 10EGB10CL001 is not in the catalog's tags for site REF-02; add it to tags or fix the code",
      "tanks[3].strapping[1].level: level 0 must be above the previous point's 0; list the table in rising order",
      "tanks[4].strapping[1].volume: volume 4 is below the previous point's 5; a tank holds more as it fills",
    ]);
  });

  it("the shipped catalog has the simulated refinery's tanks, normalised", () => {
    const result = parseTagCatalog(readFileSync(new URL('../../../../config/tags.yaml', import.meta.url), 'utf8'));
    if (!result.ok) throw new Error(result.reason);
    expect(result.catalog.tanks.map((t) => [t.site, t.tank, t.levelTag, t.volumeUnit, t.outflowTags])).toEqual([
      ['REF-01', 'TK-101', '10EGB10CL001', 'm3', ['10EGC10CF001']],
      ['REF-01', 'TK-102', '10EGB20CL001', 'm3', ['10EGC20CF001']],
    ]);
  });
});
