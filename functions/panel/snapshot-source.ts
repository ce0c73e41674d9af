// The panel's only reads of the lake: one live snapshot object per site (OBJECTS.liveSnapshot) and
// the tag catalog, each cached for a second or two so any number of open pages and streams cost
// one read per site per interval. Never lists, never reads raw batch objects.
import type { Bucket } from '@google-cloud/storage';
import { deserializeSnapshot, OBJECTS, parseTagCatalog, type Catalog, type LiveSnapshot } from '../core/index.ts';
import { isNotFound } from '../adapters/storage-errors.ts';
import { createObjectCache } from '../adapters/object-cache.ts';
import type { Logger } from '../adapters/log.ts';

export interface SnapshotSource {
  /** The site's snapshot, at most `ttlMs` old; null when detect has written none yet. */
  snapshot(site: string): Promise<LiveSnapshot | null>;
  catalog(): Promise<Catalog | null>;
}

export interface SnapshotSourceOptions {
  readonly raw: Bucket;
  readonly config: Bucket;
  readonly log: Logger;
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export function createSnapshotSource(options: SnapshotSourceOptions): SnapshotSource {
  const ttl = options.ttlMs ?? 1500;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<LiveSnapshot | null> }>();
  const catalog = createObjectCache<Catalog>({
    bucket: options.config,
    name: OBJECTS.tagCatalog,
    checkEveryMs: 30_000,
    parse: (text) => {
      const r = parseTagCatalog(text);
      return r.ok ? { ok: true, value: r.catalog } : { ok: false, reason: r.reason };
    },
    onInvalid: (generation, reason) =>
      options.log.error(`tag catalog generation ${generation} is invalid, the panel keeps the previous one: ${reason}`, { event: 'panel.catalog-invalid' }),
  });

  async function read(site: string): Promise<LiveSnapshot | null> {
    let text: string;
    try {
      const [bytes] = await options.raw.file(OBJECTS.liveSnapshot(site)).download();
      text = bytes.toString('utf8');
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    const loaded = deserializeSnapshot(text, site);
    if (!loaded.ok) {
      options.log.warn(`live snapshot of ${site} unreadable: ${loaded.reason}`, { event: 'panel.snapshot-damaged', site });
      return null;
    }
    return loaded.snapshot;
  }

  return {
    snapshot(site) {
      const hit = cache.get(site);
      if (hit !== undefined && now() - hit.at < ttl) return hit.value;
      const value = read(site);
      cache.set(site, { at: now(), value });
      value.catch(() => cache.delete(site)); // a failed read is not cached
      return value;
    },
    catalog: () => catalog.get(),
  };
}
