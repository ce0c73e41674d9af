// End to end: the `npm start` demo at a small scale on the emulators. BigQuery must hold exactly
// the published readings, the scripted incidents must raise exactly their alarms (and nothing
// else), and the lifecycle must have moved the loaded day's raw objects to Coldline.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OBJECTS, parseTagCatalog, parseTariffs, stockAt, tariffRows } from '../../../functions/core/index.ts';
import { repoRoot } from '../../../local/repo-root.ts';
import { analystReport } from '../../../local/analyst-report.ts';
import { daysAgo, runDemo } from '../../../local/demo.ts';
import { expectedAlarms } from '../../../local/plant/incidents.ts';
import { pipelineNames } from '../../../local/provision.ts';
import { clients, uniqueName } from '../../harness/emulators.ts';

describe('npm start, at a small scale', () => {
  it('lands, alarms, loads and moves a simulated morning of the plant', { timeout: 300_000 }, async () => {
    const c = clients();
    const names = pipelineNames({ suffix: uniqueName('e2e') });
    const hours: [number, number] = [8, 16];
    const day = daysAgo(3);
    const lines: string[] = [];
    const result = await runDemo({ clients: c, names, day, hours, speed: 0, out: (l) => lines.push(l) });

    // Every published reading is in BigQuery once.
    const projectId = c.target.projectId!;
    const [[counts]] = await c.bigquery.query(
      `SELECT COUNT(*) AS n, COUNT(DISTINCT CONCAT(site, tag, CAST(ts AS STRING))) AS distinct_n FROM \`${projectId}.${names.dataset}.readings\` WHERE DATE(ts) = '${day}'`,
    );
    expect(Number(counts.n)).toBe(result.readings);
    expect(Number(counts.distinct_n)).toBe(result.readings);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const [[valueSum]] = await c.bigquery.query(`SELECT SUM(value) AS s FROM \`${projectId}.${names.dataset}.readings\` WHERE DATE(ts) = '${day}'`);
    expect(Number(valueSum.s)).toBeCloseTo(sum(result.batches.flatMap((b) => b.readings.map((r) => r.value ?? 0))), 3);

    // Exactly the scripted alarms: in alarm_events, and as chat notifications.
    const expected = expectedAlarms(hours)
      .flatMap((a) => [`${a.site} ${a.tag} ${a.condition} active`, `${a.site} ${a.tag} ${a.condition} cleared`])
      .sort();
    expect(expected).toHaveLength(8);
    const [events] = await c.bigquery.query(`SELECT site, tag, condition, transition FROM \`${projectId}.${names.dataset}.alarm_events\``);
    expect(events.map((e: Record<string, string>) => `${e.site} ${e.tag} ${e.condition} ${e.transition}`).sort()).toEqual(expected);
    expect(result.notifications).toHaveLength(expected.length);

    // The day is loaded and older than the coldline age: its raw objects are compacted and COLDLINE.
    expect(result.daily.status).toBe('succeeded');
    const [objects] = await c.storage.bucket(names.buckets.raw).getFiles({ prefix: `${OBJECTS.readingsPrefix}dt=${day}/` });
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.length).toBeLessThan(result.batches.length);
    expect(new Set(objects.map((o) => o.metadata.storageClass))).toEqual(new Set(['COLDLINE']));

    // The analyst's report reads every section from the views.
    const report = await analystReport(c.bigquery, projectId, names.dataset, day, ['10EGB10CL001', '10EGC10CP001']);
    const topTags = report[0]!.rows.map((r) => `${r.tag} ${r.condition}`).sort();
    expect(topTags).toEqual(['10EGB10CL001 H', '10EGB10CL001 HH', '10EGC10CP001 H', '10EGC10CP001 HH']);
    const hourly = report[3]!.rows.filter((r) => r.tag === '10EGB10CL001');
    expect(Math.max(...hourly.map((r) => Number(r.max_value)))).toBeGreaterThan(95);

    // The feeder's cost, computed here from the published register readings and
    // config/tariffs.yaml (local weekday and hour by Intl), equals the views'.
    const parsed = parseTariffs(readFileSync(join(repoRoot, 'config', 'tariffs.yaml'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    const grid = tariffRows(parsed.tariffs);
    const local = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Europe/Berlin',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      hourCycle: 'h23',
    });
    const register = result.batches.flatMap((b) => b.readings.filter((r) => r.tag === '30BBA10CE002')).sort((a, b) => a.ts.localeCompare(b.ts));
    const expectedCost = new Map<string, number>();
    for (let i = 1; i < register.length; i++) {
      const parts = Object.fromEntries(local.formatToParts(new Date(register[i - 1]!.ts)).map((p) => [p.type, p.value]));
      const localDay = `${parts.year}-${parts.month}-${parts.day}`;
      const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!) + 1;
      const price = grid.find(
        (g) => g.weekday === weekday && g.hour === Number(parts.hour) && g.valid_from <= localDay && (g.valid_to === null || localDay < g.valid_to),
      )!.price_per_kwh;
      expectedCost.set(localDay, (expectedCost.get(localDay) ?? 0) + (register[i]!.value! - register[i - 1]!.value!) * price);
    }
    const [costs] = await c.bigquery.query(
      `SELECT CAST(local_day AS STRING) AS local_day, cost FROM \`${projectId}.${names.dataset}.energy_cost_daily\` WHERE tag = '30BBA10CE002' ORDER BY local_day`,
    );
    expect(costs.map((r: { local_day: string }) => r.local_day)).toEqual([...expectedCost.keys()].sort());
    for (const r of costs as { local_day: string; cost: number }[]) expect(r.cost).toBeCloseTo(expectedCost.get(r.local_day)!, 6);
    const feeder = report[5]!.rows.filter((r) => r.tag === '30BBA10CE002');
    expect(feeder.length).toBeGreaterThan(0);
    // The tank balance, computed here from the published level and flow readings and the
    // catalog's strapping tables, equals the view's; it finds TK-102's leak (2 m3/h over the 8
    // simulated hours) while TK-101 closes to within its gauge's noise (about 2.5 m3 a reading).
    expect(report[6]!.rows.map((r) => r.tank)).toEqual(['TK-101', 'TK-102']);
    const catalog = parseTagCatalog(readFileSync(join(repoRoot, 'config', 'tags.yaml'), 'utf8'));
    if (!catalog.ok) throw new Error(catalog.reason);
    const all = result.batches.flatMap((b) => b.readings);
    const series = (tag: string) => all.filter((r) => r.tag === tag).sort((a, b) => a.ts.localeCompare(b.ts));
    const moved = (tags: readonly string[]) =>
      tags.reduce((sum, tag) => {
        const f = series(tag);
        let v = 0;
        for (let i = 1; i < f.length; i++) v += ((f[i - 1]!.value! + f[i]!.value!) / 2) * ((Date.parse(f[i]!.ts) - Date.parse(f[i - 1]!.ts)) / 3_600_000);
        return sum + v;
      }, 0);
    const [balances] = await c.bigquery.query(
      `SELECT tank, unexplained FROM \`${projectId}.${names.dataset}.tank_balance_daily\` WHERE day = '${day}' ORDER BY tank`,
    );
    const unexplained: Record<string, number> = {};
    for (const tank of catalog.catalog.tanks) {
      const level = series(tank.levelTag);
      const expected = stockAt(tank, level.at(-1)!.value!).volume - stockAt(tank, level[0]!.value!).volume - moved(tank.inflowTags) + moved(tank.outflowTags);
      const row = (balances as { tank: string; unexplained: number }[]).find((b) => b.tank === tank.tank)!;
      expect(row.unexplained, tank.tank).toBeCloseTo(expected, 6);
      unexplained[tank.tank] = row.unexplained;
    }
    expect(Math.abs(unexplained['TK-101']!)).toBeLessThan(12);
    expect(Math.abs(unexplained['TK-102']! + 16)).toBeLessThan(12);
  });
});
