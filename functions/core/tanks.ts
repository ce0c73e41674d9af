// Storage tanks (catalog `tanks:`): level → volume through the strapping table, shared by the
// live panel (stock now) and the tank balance views (stock per day). Pure: no cloud imports.
import type { StrappingPoint, TankEntry } from '../../schemas/tag-catalog.ts';
import { parseKks } from './kks.ts';
import { joinPath, type Problem } from './problems.ts';

export interface Tank extends Omit<TankEntry, 'levelTag' | 'inflowTags' | 'outflowTags' | 'volumeUnit'> {
  /** Normalised KKS codes. */
  readonly levelTag: string;
  readonly inflowTags: readonly string[];
  readonly outflowTags: readonly string[];
  readonly volumeUnit: string;
}

export interface TankStock {
  /** Volume at the level, in the tank's volumeUnit (clamped to the strapping table's range). */
  readonly volume: number;
  /** volume / capacity × 100. */
  readonly percentFull: number;
  /** The level lies outside the strapping table: the volume is the nearest end's (a gauge fault). */
  readonly outOfRange: boolean;
}

/**
 * Volume at a level: linear interpolation between the strapping points around it (how a tank
 * table is read); outside the table the nearest end's volume, flagged, rather than a guess.
 */
export function volumeAt(strapping: readonly StrappingPoint[], level: number): { volume: number; outOfRange: boolean } {
  const first = strapping[0]!;
  const last = strapping[strapping.length - 1]!;
  if (level <= first.level) return { volume: first.volume, outOfRange: level < first.level };
  if (level >= last.level) return { volume: last.volume, outOfRange: level > last.level };
  let lo = 0;
  let hi = strapping.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (strapping[mid]!.level <= level) lo = mid;
    else hi = mid;
  }
  const a = strapping[lo]!;
  const b = strapping[hi]!;
  return { volume: a.volume + ((level - a.level) / (b.level - a.level)) * (b.volume - a.volume), outOfRange: false };
}

export function stockAt(tank: Pick<Tank, 'strapping' | 'capacity'>, level: number): TankStock {
  const { volume, outOfRange } = volumeAt(tank.strapping, level);
  return { volume, percentFull: (volume / tank.capacity) * 100, outOfRange };
}

/**
 * Checks the tanks of a catalog beyond the schema: KKS codes, tags listed in the catalog at the
 * tank's site, a strapping table that only rises, and (site, tank) unique. `hasTag` answers
 * whether (site, normalised tag) is in the catalog's `tags`.
 */
export function checkTanks(entries: readonly TankEntry[], hasTag: (site: string, tag: string) => boolean): { tanks: Tank[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const tanks: Tank[] = [];
  const firstAt = new Map<string, number>();
  entries.forEach((entry, i) => {
    const base = `tanks[${i}]`;
    const before = problems.length;
    const key = `${entry.site}\n${entry.tank}`;
    const earlier = firstAt.get(key);
    if (earlier !== undefined)
      problems.push({
        path: joinPath(base, 'tank'),
        reason: `tank ${entry.tank} at site ${entry.site} is already listed at tanks[${earlier}]; keep one entry`,
      });
    else firstAt.set(key, i);
    const tag = (path: string, raw: string): string => {
      const kks = parseKks(raw);
      if (!kks.ok) {
        problems.push({ path, reason: kks.reason });
        return raw;
      }
      if (!hasTag(entry.site, kks.kks.code)) {
        problems.push({ path, reason: `${kks.kks.code} is not in the catalog's tags for site ${entry.site}; add it to tags or fix the code` });
      }
      return kks.kks.code;
    };
    const levelTag = tag(joinPath(base, 'levelTag'), entry.levelTag);
    const inflowTags = (entry.inflowTags ?? []).map((t, j) => tag(`${base}.inflowTags[${j}]`, t));
    const outflowTags = (entry.outflowTags ?? []).map((t, j) => tag(`${base}.outflowTags[${j}]`, t));
    entry.strapping.forEach((point, j) => {
      if (j === 0) return;
      const prev = entry.strapping[j - 1]!;
      if (!(point.level > prev.level))
        problems.push({
          path: `${base}.strapping[${j}].level`,
          reason: `level ${point.level} must be above the previous point's ${prev.level}; list the table in rising order`,
        });
      else if (point.volume < prev.volume)
        problems.push({
          path: `${base}.strapping[${j}].volume`,
          reason: `volume ${point.volume} is below the previous point's ${prev.volume}; a tank holds more as it fills`,
        });
    });
    if (problems.length === before) {
      tanks.push({ ...entry, levelTag, inflowTags, outflowTags, volumeUnit: entry.volumeUnit ?? 'm3' });
    }
  });
  return { tanks, problems };
}
