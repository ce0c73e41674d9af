// Energy tariffs (schemas/tariffs.ts): checked beyond the schema (time zones, validity periods,
// bands covering each weekday hour exactly once, meters at a tariffed site), then expanded into
// the rows of BigQuery `tariffs` (one per tariff, weekday and local hour: a price grid the cost
// views join on) and `energy_meters`. Pure: no cloud imports.
import { readConfigDocument } from './config-document.ts';
import { TariffsDocument, WEEKDAYS, type EnergyMeter, type TariffEntry } from '../../schemas/tariffs.ts';
import { parseKks } from './kks.ts';
import { summarise, type Problem } from './problems.ts';
import { compileSchema } from './schema-check.ts';

export interface Tariffs {
  readonly version: string;
  readonly tariffs: readonly TariffEntry[];
  /** Tags normalised. */
  readonly meters: readonly EnergyMeter[];
}

export type TariffsResult =
  | { readonly ok: true; readonly tariffs: Tariffs }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly Problem[] };

/** A row of BigQuery `tariffs`: the price of one local weekday hour under one tariff period. */
export interface TariffRow {
  tariff: string;
  site: string;
  time_zone: string;
  currency: string;
  valid_from: string;
  valid_to: string | null;
  /** BigQuery's DAYOFWEEK: 1 = Sunday … 7 = Saturday. */
  weekday: number;
  hour: number;
  band: string;
  price_per_kwh: number;
  demand_charge_per_kw: number | null;
  tariffs_version: string;
}

export interface EnergyMeterRow {
  site: string;
  tag: string;
  kind: 'register' | 'power';
  rollover_at: number | null;
  description: string | null;
  tariffs_version: string;
}

const schema = compileSchema(TariffsDocument);

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validDate(day: string): boolean {
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === day;
}

function checkBands(entry: TariffEntry, base: string, problems: Problem[]): void {
  const owner = new Map<string, number>();
  entry.bands.forEach((band, j) => {
    if (band.toHour <= band.fromHour) {
      problems.push({
        path: `${base}.bands[${j}].toHour`,
        reason: `toHour ${band.toHour} must be after fromHour ${band.fromHour}; a band that spans midnight is two bands (e.g. 22–24 and 0–6)`,
      });
      return;
    }
    for (const day of band.days) {
      for (let h = band.fromHour; h < band.toHour; h++) {
        const key = `${day} ${h}`;
        const earlier = owner.get(key);
        if (earlier !== undefined) {
          problems.push({
            path: `${base}.bands[${j}]`,
            reason: `${day} ${h}:00 is already in bands[${earlier}] (${entry.bands[earlier]!.band}); each weekday hour belongs to one band`,
          });
          return;
        }
        owner.set(key, j);
      }
    }
  });
  const missing = WEEKDAYS.flatMap((d) => Array.from({ length: 24 }, (_, h) => `${d} ${h}`)).filter((k) => !owner.has(k));
  if (missing.length > 0) {
    problems.push({
      path: `${base}.bands`,
      reason: `${missing.length} weekday hour(s) have no band, e.g. ${missing
        .slice(0, 3)
        .map((k) => `${k}:00`)
        .join(', ')}; every hour of the week needs a price`,
    });
  }
}

export function parseTariffs(input: string | unknown): TariffsResult {
  const read = readConfigDocument(input);
  if (!read.ok) return fail([read.problem]);
  const value = read.value;
  if (!schema.check(value)) return fail(schema.problems(value));
  const problems: Problem[] = [];
  const bySite = new Map<string, number[]>();
  value.tariffs.forEach((entry, i) => {
    const base = `tariffs[${i}]`;
    if (!validTimeZone(entry.timeZone))
      problems.push({
        path: `${base}.timeZone`,
        reason: `${JSON.stringify(entry.timeZone)} is not an IANA time zone; use a name such as "Europe/Berlin" or "Etc/UTC"`,
      });
    if (!validDate(entry.validFrom)) problems.push({ path: `${base}.validFrom`, reason: `${entry.validFrom} is not a calendar date` });
    if (entry.validTo !== undefined) {
      if (!validDate(entry.validTo)) problems.push({ path: `${base}.validTo`, reason: `${entry.validTo} is not a calendar date` });
      else if (entry.validTo <= entry.validFrom)
        problems.push({
          path: `${base}.validTo`,
          reason: `validTo ${entry.validTo} must be after validFrom ${entry.validFrom} (validTo is the first day it no longer applies)`,
        });
    }
    checkBands(entry, base, problems);
    bySite.set(entry.site, [...(bySite.get(entry.site) ?? []), i]);
  });
  for (const [site, indexes] of bySite) {
    const entries = indexes.map((i) => ({ i, e: value.tariffs[i]! })).sort((a, b) => a.e.validFrom.localeCompare(b.e.validFrom));
    for (let k = 1; k < entries.length; k++) {
      const prev = entries[k - 1]!;
      const cur = entries[k]!;
      if (prev.e.validTo === undefined || prev.e.validTo > cur.e.validFrom) {
        problems.push({
          path: `tariffs[${cur.i}].validFrom`,
          reason: `site ${site} already has tariffs[${prev.i}] (${prev.e.tariff}) valid on ${cur.e.validFrom}; end it with validTo: ${cur.e.validFrom}`,
        });
      }
      if (cur.e.timeZone !== prev.e.timeZone) {
        problems.push({
          path: `tariffs[${cur.i}].timeZone`,
          reason: `site ${site} has tariffs in ${prev.e.timeZone} and ${cur.e.timeZone}; a site has one time zone`,
        });
      }
    }
  }
  const meters: EnergyMeter[] = [];
  const seen = new Map<string, number>();
  value.meters.forEach((meter, i) => {
    const base = `meters[${i}]`;
    const kks = parseKks(meter.tag);
    if (!kks.ok) return void problems.push({ path: `${base}.tag`, reason: kks.reason });
    const key = `${meter.site}\n${kks.kks.code}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      return void problems.push({
        path: `${base}.tag`,
        reason: `${kks.kks.code} at site ${meter.site} is already listed at meters[${earlier}]; keep one entry`,
      });
    seen.set(key, i);
    if (!bySite.has(meter.site)) problems.push({ path: `${base}.site`, reason: `no tariff for site ${meter.site}; add one under tariffs or fix the site` });
    if (meter.kind === 'power' && meter.rolloverAt !== undefined)
      problems.push({ path: `${base}.rolloverAt`, reason: 'only a register (cumulative kWh counter) rolls over; remove rolloverAt or set kind: register' });
    meters.push({ ...meter, tag: kks.kks.code });
  });
  if (problems.length > 0) return fail(problems);
  return { ok: true, tariffs: { version: value.version, tariffs: value.tariffs, meters } };
}

function fail(problems: Problem[]): TariffsResult {
  return { ok: false, reason: summarise('tariffs are not valid', problems), problems };
}

/** BigQuery DAYOFWEEK of a weekday name (1 = Sunday). */
const dayOfWeek = (day: (typeof WEEKDAYS)[number]) => ((WEEKDAYS.indexOf(day) + 1) % 7) + 1;

/** The price grid: 168 rows per tariff period. */
export function tariffRows(t: Tariffs): TariffRow[] {
  return t.tariffs.flatMap((entry) =>
    entry.bands.flatMap((band) =>
      band.days.flatMap((day) =>
        Array.from({ length: band.toHour - band.fromHour }, (_, k) => ({
          tariff: entry.tariff,
          site: entry.site,
          time_zone: entry.timeZone,
          currency: entry.currency,
          valid_from: entry.validFrom,
          valid_to: entry.validTo ?? null,
          weekday: dayOfWeek(day),
          hour: band.fromHour + k,
          band: band.band,
          price_per_kwh: band.pricePerKwh,
          demand_charge_per_kw: entry.demandChargePerKw ?? null,
          tariffs_version: t.version,
        })),
      ),
    ),
  );
}

export function meterRows(t: Tariffs): EnergyMeterRow[] {
  return t.meters.map((m) => ({
    site: m.site,
    tag: m.tag,
    kind: m.kind,
    rollover_at: m.rolloverAt ?? null,
    description: m.description ?? null,
    tariffs_version: t.version,
  }));
}
