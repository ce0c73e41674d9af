// One rule for duplicates: readings of one batch with the same (site, tag, ts) keep the same
// reading in detect's evaluation and in the daily load's replace (highest value, then best quality).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, emptyState, parseBatch, parseRules } from '../../../../functions/core/index.ts';
import { createTestLake, dayRows, publish, type BatchSpec, type TestLake } from './lake.ts';

const DAY = '2024-04-01';
const TS = `${DAY}T08:00:00.000Z`;
const NOW = new Date('2024-04-03T02:30:00Z');

describe('duplicate (site, tag, ts) in one batch', () => {
  let lake: TestLake;
  const spec: BatchSpec = {
    batchId: 'DUP-1',
    site: 'A',
    ingestedAt: `${DAY}T08:00:05Z`,
    readings: [
      { tag: '10LAB10CP001', ts: TS, value: 5 },
      { tag: '10LAB10CP001', ts: TS, value: null, quality: 'bad' },
      { tag: '10LAB10CP001', ts: TS, value: 11, quality: 'uncertain' },
      { tag: '10LAB10CP001', ts: TS, value: 11 },
      { tag: '10LAB10CP001', ts: TS, value: 7 },
    ],
  };

  beforeAll(async () => {
    lake = await createTestLake('dup');
    await publish(lake.raw, spec);
  });
  afterAll(() => lake?.stop());

  it('keeps the highest value with the best quality, in the history and in the alarm', async () => {
    const report = await lake.run({ mode: 'daily' }, NOW);
    expect(report.days.map((d) => [d.day, d.rowsIn, d.rowsKept])).toEqual([[DAY, 5, 1]]);
    const [row] = (await dayRows(lake, DAY)).map((r) => JSON.parse(r) as unknown[]);
    expect([row![3], row![4]]).toEqual([11, 'good']);

    // detect on the same batch: an H limit of 10 is crossed by the winning reading, 11.
    const rules = parseRules({ version: 'r1', rules: [{ tag: '10LAB10CP001', limits: { H: 10 }, priority: 'high' }] });
    if (!rules.ok) throw new Error(rules.reason);
    const body = JSON.stringify({
      batchId: spec.batchId,
      site: spec.site,
      source: 'gw',
      sentAt: spec.ingestedAt,
      readings: spec.readings.map((r) => ({ quality: 'good', ...r })),
    });
    const parsed = parseBatch(body, NOW);
    if (!parsed.ok) throw new Error(parsed.reason);
    const { events } = evaluate(emptyState(), parsed.batch, rules.rules, NOW);
    expect(events.map((e) => [e.condition, e.transition, e.value, e.readingTs])).toEqual([['H', 'active', row![3], TS]]);
  });
});
