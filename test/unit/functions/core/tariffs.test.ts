// The tariffs contract (schemas/tariffs.ts, functions/core/tariffs.ts): what a bad file is told,
// and the price grid and meter rows the daily job loads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { meterRows, parseTariffs, tariffRows } from '../../../../functions/core/index.ts';
import { repoRoot } from '../../../../local/repo-root.ts';

const week = `
      - { band: day, days: [mon, tue, wed, thu, fri, sat, sun], fromHour: 6, toHour: 22, pricePerKwh: 0.3 }
      - { band: night, days: [mon, tue, wed, thu, fri, sat, sun], fromHour: 0, toHour: 6, pricePerKwh: 0.1 }
      - { band: night, days: [mon, tue, wed, thu, fri, sat, sun], fromHour: 22, toHour: 24, pricePerKwh: 0.1 }`;
const doc = (tariffs: string, meters = '[]') => `version: v1\ntariffs:\n${tariffs}\nmeters: ${meters}\n`;
const tariff = (over: Record<string, string> = {}, bands = week) =>
  `  - tariff: ${over.tariff ?? 't'}\n    site: ${over.site ?? 'S'}\n    timeZone: ${over.timeZone ?? 'Europe/Berlin'}\n    currency: EUR\n    validFrom: "${over.validFrom ?? '2024-01-01'}"\n` +
  (over.validTo ? `    validTo: "${over.validTo}"\n` : '') +
  `    bands:${bands}`;

const reasons = (text: string) => {
  const r = parseTariffs(text);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.reason}`);
};

describe('tariffs', () => {
  it('accepts the shipped config/tariffs.yaml', () => {
    const r = parseTariffs(readFileSync(join(repoRoot, 'config', 'tariffs.yaml'), 'utf8'));
    expect(r.ok ? r.tariffs.tariffs.map((t) => [t.site, t.validFrom, t.validTo ?? null]) : r.reason).toEqual([
      ['FDR-01', '2024-01-01', '2025-01-01'],
      ['FDR-01', '2025-01-01', null],
    ]);
  });

  it('expands a tariff into 168 priced weekday hours, DAYOFWEEK numbered from Sunday', () => {
    const r = parseTariffs(doc(tariff(), '[{ site: S, tag: "30 BBA10 CE002", kind: register, rolloverAt: 1e6 }]'));
    if (!r.ok) throw new Error(r.reason);
    const grid = tariffRows(r.tariffs);
    expect(grid).toHaveLength(168);
    expect(new Set(grid.map((g) => `${g.weekday}/${g.hour}`)).size).toBe(168);
    const at = (weekday: number, hour: number) => grid.find((g) => g.weekday === weekday && g.hour === hour)!;
    expect([at(2, 5).band, at(2, 6).band, at(2, 21).band, at(2, 22).band]).toEqual(['night', 'day', 'day', 'night']);
    expect(at(1, 12)).toEqual({
      tariff: 't',
      site: 'S',
      time_zone: 'Europe/Berlin',
      currency: 'EUR',
      valid_from: '2024-01-01',
      valid_to: null,
      weekday: 1,
      hour: 12,
      band: 'day',
      price_per_kwh: 0.3,
      demand_charge_per_kw: null,
      tariffs_version: 'v1',
    });
    expect(meterRows(r.tariffs)).toEqual([{ site: 'S', tag: '30BBA10CE002', kind: 'register', rollover_at: 1e6, description: null, tariffs_version: 'v1' }]);
  });

  it('names gaps and overlaps in the bands, bad zones and dates', () => {
    const gap = `
      - { band: day, days: [mon, tue, wed, thu, fri], fromHour: 0, toHour: 24, pricePerKwh: 0.3 }
      - { band: late, days: [fri], fromHour: 23, toHour: 22, pricePerKwh: 0.3 }
      - { band: dup, days: [mon], fromHour: 10, toHour: 11, pricePerKwh: 0.3 }`;
    expect(reasons(doc(tariff({ timeZone: 'Europe/Atlantis', validFrom: '2024-02-30' }, gap)))).toEqual([
      'tariffs[0].timeZone: "Europe/Atlantis" is not an IANA time zone; use a name such as "Europe/Berlin" or "Etc/UTC"',
      'tariffs[0].validFrom: 2024-02-30 is not a calendar date',
      'tariffs[0].bands[1].toHour: toHour 22 must be after fromHour 23; a band that spans midnight is two bands (e.g. 22–24 and 0–6)',
      'tariffs[0].bands[2]: mon 10:00 is already in bands[0] (day); each weekday hour belongs to one band',
      'tariffs[0].bands: 48 weekday hour(s) have no band, e.g. sat 0:00, sat 1:00, sat 2:00; every hour of the week needs a price',
    ]);
  });

  it('refuses overlapping periods of a site, a second time zone, and meters without a tariff', () => {
    const text = doc(
      tariff({ tariff: 'a', validFrom: '2024-01-01', validTo: '2024-06-01' }) +
        '\n' +
        tariff({ tariff: 'b', validFrom: '2024-05-01', timeZone: 'Europe/Paris' }),
      '[{ site: S, tag: 30BBA10CE001, kind: power, rolloverAt: 5 }, { site: X, tag: 30BBA10CE002, kind: register }, { site: S, tag: 30BBA10CE001, kind: power }, { site: S, tag: "not a tag", kind: power }]',
    );
    expect(reasons(text)).toEqual([
      'tariffs[1].validFrom: site S already has tariffs[0] (a) valid on 2024-05-01; end it with validTo: 2024-05-01',
      'tariffs[1].timeZone: site S has tariffs in Europe/Berlin and Europe/Paris; a site has one time zone',
      'meters[0].rolloverAt: only a register (cumulative kWh counter) rolls over; remove rolloverAt or set kind: register',
      'meters[1].site: no tariff for site X; add one under tariffs or fix the site',
      'meters[2].tag: 30BBA10CE001 at site S is already listed at meters[0]; keep one entry',
      expect.stringMatching(/^meters\[3\]\.tag: "not a tag" is not a KKS code/),
    ]);
  });

  it('reports schema problems with their paths', () => {
    expect(reasons('version: v\ntariffs: [{ tariff: t, site: S, timeZone: UTC, currency: euro, validFrom: "2024-01-01", bands: [] }]\nmeters: []\n')).toEqual(
      expect.arrayContaining([expect.stringMatching(/^tariffs\[0\]\.currency: /), expect.stringMatching(/^tariffs\[0\]\.bands: /)]),
    );
    expect(reasons('version: [')).toEqual([expect.stringMatching(/^: not valid YAML or JSON/)]);
  });
});
