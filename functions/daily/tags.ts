// The `tags` table as the daily job rebuilds it: the catalog (catalog/tags.yaml) joined with what
// readings showed, the KKS breakdown from the core parser. Pure.
import type { Catalog } from '../core/tag-catalog.ts';
import { toTagRow } from '../core/rows.ts';
import type { TagRow } from '../../schemas/rows.ts';

/** First and last reading time of one (site, tag) in a day just loaded. */
export interface SeenStat {
  readonly site: string;
  readonly tag: string;
  readonly first: string;
  readonly last: string;
}

/** What the catalog file gave: a catalog, none (no file), or keep the old one (the file is invalid). */
export type CatalogInput = { readonly kind: 'catalog'; readonly catalog: Catalog } | { readonly kind: 'absent' } | { readonly kind: 'invalid' };

const key = (site: string | null, tag: string) => `${site ?? ''}\n${tag}`;
const earlier = (a: string | null, b: string) => (a === null || Date.parse(b) < Date.parse(a) ? b : a);
const later = (a: string | null, b: string) => (a === null || Date.parse(b) > Date.parse(a) ? b : a);

/**
 * New tags rows from the existing ones, the catalog and the days just loaded. first_seen and
 * last_seen only widen (a reload that drops a tag's rows does not narrow them: the table says
 * when a tag was seen, and an analyst's query on readings says what is there now). An invalid
 * catalog keeps the catalog columns as they were, so a typo in the YAML does not wipe them.
 */
export function mergeTags(existing: readonly TagRow[], catalog: CatalogInput, seen: readonly SeenStat[], now: Date): TagRow[] {
  const rows = new Map<string, TagRow>();
  for (const row of existing) rows.set(key(row.site, row.tag), row);
  const seenByKey = new Map<string, { first: string; last: string }>();
  for (const s of seen) {
    const k = key(s.site, s.tag);
    const before = seenByKey.get(k);
    const old = rows.get(k);
    seenByKey.set(k, {
      first: earlier(before?.first ?? old?.first_seen ?? null, s.first),
      last: later(before?.last ?? old?.last_seen ?? null, s.last),
    });
  }
  const keys = new Set<string>([...rows.keys(), ...seenByKey.keys()]);
  if (catalog.kind === 'catalog') for (const e of catalog.catalog.entries) keys.add(key(e.site, e.tag));

  const out: TagRow[] = [];
  for (const k of [...keys].sort()) {
    const old = rows.get(k);
    const fresh = seenByKey.get(k);
    const [site, tag] = splitKey(k);
    const firstSeen = fresh?.first ?? old?.first_seen ?? null;
    const lastSeen = fresh?.last ?? old?.last_seen ?? null;
    const seenRange = firstSeen !== null && lastSeen !== null ? { first: firstSeen, last: lastSeen } : undefined;
    if (catalog.kind === 'invalid' && old !== undefined) {
      out.push({ ...old, first_seen: firstSeen, last_seen: lastSeen, updated_at: now.toISOString() });
      continue;
    }
    const entry = catalog.kind === 'catalog' && site !== null ? catalog.catalog.get(site, tag) : undefined;
    // toTagRow takes the site from the catalog entry only; a tag seen in readings knows its site too.
    out.push({ ...toTagRow(tag, entry, seenRange, now), site: entry?.site ?? site });
  }
  return out;
}

function splitKey(k: string): [string | null, string] {
  const i = k.indexOf('\n');
  const site = k.slice(0, i);
  return [site === '' ? null : site, k.slice(i + 1)];
}
