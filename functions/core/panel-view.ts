// What the live panel shows, computed from a site's live snapshot and the tag catalog: tags
// grouped by the KKS hierarchy (system, then equipment: the function key's letters, then the whole
// function key), active alarms by priority, tank stocks through the strapping tables, and the
// head office's stock per site and product. Pure: no cloud imports, no HTML.
import type { Condition, Priority, Quality } from '../../schemas/index.ts';
import { parseKksCached } from './kks.ts';
import type { LiveSnapshot, SeriesBucket } from './live-snapshot.ts';
import type { Catalog } from './tag-catalog.ts';
import { stockAt } from './tanks.ts';

export interface TagRow {
  readonly tag: string;
  readonly description: string | null;
  readonly unit: string | null;
  readonly value: number | null;
  readonly quality: Quality;
  readonly ts: number;
}

export interface EquipmentGroup {
  /** KKS function key with plant, e.g. `10EGB10`. */
  readonly code: string;
  /** Catalog equipment name(s), e.g. `TK-101`. */
  readonly label: string | null;
  readonly rows: readonly TagRow[];
}

export interface SystemGroup {
  /** Plant and system letters, e.g. `10EGB`. */
  readonly code: string;
  /** Catalog area(s), e.g. `tank farm`. */
  readonly label: string | null;
  readonly equipment: readonly EquipmentGroup[];
}

export interface AlarmRow {
  readonly tag: string;
  readonly description: string | null;
  readonly condition: Condition;
  readonly priority: Priority | null;
  readonly since: number;
  readonly value: number | null;
  readonly limit: number | null;
}

export interface TankRow {
  readonly site: string;
  readonly tank: string;
  readonly product: string;
  readonly description: string | null;
  readonly levelTag: string;
  /** Null when the level is unknown (no reading yet, or the latest is bad). */
  readonly level: number | null;
  readonly levelUnit: string | null;
  readonly volume: number | null;
  readonly percentFull: number | null;
  readonly capacity: number;
  readonly volumeUnit: string;
  readonly outOfRange: boolean;
  /** Time of the level reading, null when none. */
  readonly ts: number | null;
}

export interface SiteView {
  readonly site: string;
  /** When detect last merged a batch (epoch ms), null when there is no snapshot yet. */
  readonly updatedAt: number | null;
  readonly systems: readonly SystemGroup[];
  readonly alarms: readonly AlarmRow[];
  readonly tanks: readonly TankRow[];
}

const PRIORITY_ORDER: Readonly<Record<string, number>> = { critical: 0, high: 1, medium: 2, low: 3 };
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const labels = (values: ReadonlyArray<string | undefined>): string | null => {
  const set = [...new Set(values.filter((v): v is string => v !== undefined && v !== ''))];
  return set.length === 0 ? null : set.join(', ');
};

export function siteView(site: string, snapshot: LiveSnapshot | null, catalog: Catalog | null): SiteView {
  const tags = snapshot?.tags ?? [];
  const systems = new Map<string, Map<string, Array<{ row: TagRow; area?: string; equipment?: string }>>>();
  for (const t of tags) {
    const entry = catalog?.get(site, t.tag);
    const parsed = parseKksCached(t.tag);
    const kks = entry?.kks ?? (parsed.ok ? parsed.kks : null);
    const system = kks === null ? 'other' : `${kks.plant}${kks.functionKey.replace(/\d+$/, '')}`;
    const equipment = kks === null ? t.tag : `${kks.plant}${kks.functionKey}`;
    const row: TagRow = { tag: t.tag, description: entry?.description ?? null, unit: entry?.unit ?? t.unit, value: t.value, quality: t.quality, ts: t.ts };
    const eq = systems.get(system) ?? new Map();
    systems.set(system, eq);
    const list = eq.get(equipment) ?? [];
    eq.set(equipment, list);
    list.push({ row, ...(entry?.area !== undefined ? { area: entry.area } : {}), ...(entry?.equipment !== undefined ? { equipment: entry.equipment } : {}) });
  }
  const systemGroups: SystemGroup[] = [...systems.entries()]
    .sort(([a], [b]) => byText(a, b))
    .map(([code, eq]) => ({
      code,
      label: labels([...eq.values()].flat().map((x) => x.area)),
      equipment: [...eq.entries()]
        .sort(([a], [b]) => byText(a, b))
        .map(([eqCode, list]) => ({ code: eqCode, label: labels(list.map((x) => x.equipment)), rows: list.map((x) => x.row) })),
    }));
  const alarms: AlarmRow[] = (snapshot?.alarms ?? [])
    .filter((a) => a.active)
    .map((a) => ({
      tag: a.tag,
      description: catalog?.get(site, a.tag)?.description ?? null,
      condition: a.condition,
      priority: a.priority,
      since: a.at,
      value: a.value,
      limit: a.limit,
    }))
    .sort((a, b) => (PRIORITY_ORDER[a.priority ?? ''] ?? 4) - (PRIORITY_ORDER[b.priority ?? ''] ?? 4) || a.since - b.since || byText(a.tag, b.tag));
  const byTag = new Map(tags.map((t) => [t.tag, t]));
  const tanks: TankRow[] = (catalog?.tanks ?? [])
    .filter((k) => k.site === site)
    .map((k) => {
      const level = byTag.get(k.levelTag);
      const usable = level !== undefined && level.value !== null && level.quality !== 'bad';
      const stock = usable ? stockAt(k, level.value!) : null;
      return {
        site,
        tank: k.tank,
        product: k.product,
        description: k.description ?? null,
        levelTag: k.levelTag,
        level: usable ? level.value : null,
        levelUnit: catalog?.get(site, k.levelTag)?.unit ?? level?.unit ?? null,
        volume: stock?.volume ?? null,
        percentFull: stock?.percentFull ?? null,
        capacity: k.capacity,
        volumeUnit: k.volumeUnit,
        outOfRange: stock?.outOfRange ?? false,
        ts: level?.ts ?? null,
      };
    });
  return { site, updatedAt: snapshot === null || snapshot.updatedAt === 0 ? null : snapshot.updatedAt, systems: systemGroups, alarms, tanks };
}

export interface ProductTotal {
  readonly product: string;
  readonly volumeUnit: string;
  readonly volume: number;
  readonly capacity: number;
  /** Tanks of this product whose level is unknown: their stock is not in `volume`. */
  readonly unknownTanks: number;
  /** Oldest level time behind `volume` (epoch ms), null when none. */
  readonly oldestTs: number | null;
}

export interface OfficeSite {
  readonly site: string;
  readonly updatedAt: number | null;
  readonly tanks: readonly TankRow[];
  readonly products: readonly ProductTotal[];
  readonly activeAlarms: number;
}

export interface OfficeView {
  readonly sites: readonly OfficeSite[];
  /** Every permitted site's stock, per product. */
  readonly products: readonly ProductTotal[];
}

function totals(tanks: readonly TankRow[]): ProductTotal[] {
  const byProduct = new Map<string, { product: string; volumeUnit: string; volume: number; capacity: number; unknownTanks: number; oldestTs: number | null }>();
  for (const t of tanks) {
    const key = `${t.product}\n${t.volumeUnit}`;
    const p = byProduct.get(key) ?? { product: t.product, volumeUnit: t.volumeUnit, volume: 0, capacity: 0, unknownTanks: 0, oldestTs: null };
    byProduct.set(key, p);
    p.capacity += t.capacity;
    if (t.volume === null) p.unknownTanks++;
    else {
      p.volume += t.volume;
      if (t.ts !== null) p.oldestTs = p.oldestTs === null ? t.ts : Math.min(p.oldestTs, t.ts);
    }
  }
  return [...byProduct.values()].sort((a, b) => byText(a.product, b.product) || byText(a.volumeUnit, b.volumeUnit));
}

export function officeView(views: readonly SiteView[]): OfficeView {
  const sites = views.map((v) => ({ site: v.site, updatedAt: v.updatedAt, tanks: v.tanks, products: totals(v.tanks), activeAlarms: v.alarms.length }));
  return { sites, products: totals(views.flatMap((v) => v.tanks)) };
}

/** The series of one tag from the snapshot, or null when the snapshot has no such tag. */
export function tagSeries(snapshot: LiveSnapshot | null, tag: string): readonly SeriesBucket[] | null {
  return snapshot?.tags.find((t) => t.tag === tag)?.series ?? null;
}
