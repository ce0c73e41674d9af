// The simulated plant: every batch it sends is valid, it covers its sites and tags, and the
// scripted incidents raise exactly the expected alarms through the real alarm engine and rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyState, evaluate, parseBatch, parseRules, parseTagCatalog, stockAt, type AlarmState } from '../../../../functions/core/index.ts';
import { EXPECTED_ALARMS } from '../../../../local/plant/incidents.ts';
import { simulateDay } from '../../../../local/plant/plant.ts';
import { SIGNALS } from '../../../../local/plant/signals.ts';

const rulesText = readFileSync(new URL('../../../../config/rules.yaml', import.meta.url), 'utf8');
const catalogText = readFileSync(new URL('../../../../config/tags.yaml', import.meta.url), 'utf8');

describe('simulated plant', () => {
  const day = '2026-11-20';
  const batches = simulateDay({ day });

  it('sends valid batches, every 5 minutes per site, with a reading every 10 s per tag', () => {
    const now = new Date('2026-11-23T00:00:00Z');
    for (const b of batches) {
      const parsed = parseBatch(JSON.stringify(b), now);
      expect(parsed.ok, parsed.ok ? '' : parsed.reason).toBe(true);
    }
    expect(new Set(batches.map((b) => b.batchId)).size).toBe(batches.length);
    expect(batches).toHaveLength(288 * 3);
    const readings = batches.reduce((n, b) => n + b.readings.length, 0);
    // 18 tags × 8,640 readings, less 90 readings of the 15-minute gap.
    expect(readings).toBe(SIGNALS.length * 8640 - 90);
  });

  it('is deterministic for a seed', () => {
    expect(simulateDay({ day, hours: [9, 10] })).toEqual(simulateDay({ day, hours: [9, 10] }));
    expect(simulateDay({ day, hours: [9, 10], seed: 2 })).not.toEqual(simulateDay({ day, hours: [9, 10] }));
  });

  it('has a catalog entry for every simulated tag, and rules that parse', () => {
    const catalog = parseTagCatalog(catalogText);
    expect(catalog.ok, catalog.ok ? '' : catalog.reason).toBe(true);
    expect(parseRules(rulesText).ok).toBe(true);
    if (!catalog.ok) return;
    expect(catalog.catalog.entries.map((e) => e.tag).sort()).toEqual(SIGNALS.map((s) => s.tag).sort());
  });

  // Detection runs days after the readings were taken (a replay): STALE is judged in event time.
  it('raises exactly the scripted alarms, each once active and once cleared, when replayed days later', () => {
    const parsed = parseRules(rulesText);
    if (!parsed.ok) throw new Error(parsed.reason);
    const rules = parsed.rules;
    const states = new Map<string, AlarmState>();
    const events = [];
    for (const b of batches) {
      const { events: e, state } = evaluate(states.get(b.site) ?? emptyState(), b, rules, new Date('2026-11-23T12:00:00Z'));
      states.set(b.site, state);
      events.push(...e);
    }
    const summary = events.map((e) => `${e.site} ${e.tag} ${e.condition} ${e.transition}`).sort();
    const expected = EXPECTED_ALARMS.flatMap((a) => [`${a.site} ${a.tag} ${a.condition} active`, `${a.site} ${a.tag} ${a.condition} cleared`]).sort();
    expect(summary).toEqual(expected);
  });
});

describe('simulated tanks', () => {
  const batches = simulateDay({ day: '2026-11-20' });
  const readings = batches.flatMap((b) => b.readings);
  const series = (tag: string) => readings.filter((r) => r.tag === tag).sort((a, b) => a.ts.localeCompare(b.ts));
  const parsed = parseTagCatalog(catalogText);
  if (!parsed.ok) throw new Error(parsed.reason);

  it('use the strapping tables and flow tags of the catalog', () => {
    for (const tank of parsed.catalog.tanks) {
      const model = SIGNALS.find((s) => s.tag === tank.levelTag)!;
      expect(model.tank?.strapping, tank.tank).toEqual(tank.strapping);
      expect([model.tank?.inflow], tank.tank).toEqual(tank.inflowTags);
      expect([model.tank?.outflow], tank.tank).toEqual(tank.outflowTags);
    }
  });

  // The balance as tank_balance_daily computes it, here from the readings: TK-101 closes to within
  // the gauges' and meters' noise, TK-102 is short by its 2 m3/h leak.
  it('balance: TK-101 closes, TK-102 loses about 48 m3 a day', () => {
    const unexplained = Object.fromEntries(
      parsed.catalog.tanks.map((tank) => {
        const level = series(tank.levelTag);
        const stock = (i: number) => stockAt(tank, level[i]!.value!).volume;
        const moved = (tags: readonly string[]) =>
          tags.reduce((sum, tag) => {
            const f = series(tag);
            let v = 0;
            for (let i = 1; i < f.length; i++) v += ((f[i - 1]!.value! + f[i]!.value!) / 2) * ((Date.parse(f[i]!.ts) - Date.parse(f[i - 1]!.ts)) / 3_600_000);
            return sum + v;
          }, 0);
        return [tank.tank, stock(level.length - 1) - stock(0) - moved(tank.inflowTags) + moved(tank.outflowTags)];
      }),
    );
    expect(Math.abs(unexplained['TK-101']!)).toBeLessThan(5);
    expect(Math.abs(unexplained['TK-102']! + 48)).toBeLessThan(5);
  });
});
