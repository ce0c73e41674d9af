// Listing the raw zone for the daily job through the raw-zone port: which days exist (one
// delimiter listing per kind, a few pages for years of lake), and the objects of one day with the
// day's compaction manifests applied (compaction-manifest.ts). Objects keep only compaction's
// metadata keys: land's keys are a third of a listed object's memory (README, daily run at scale).
import { listAll, type RawObject, type RawZone } from '../core/raw-zone.ts';
import { applyManifests, isManifestName, parseManifest, workPrefix, type Manifest } from './compaction-manifest.ts';
import { COMPACTION_META, isDay, KIND_PREFIX, parseObjectName, type ObjectKind } from '../core/lake-paths.ts';

const KINDS: readonly ObjectKind[] = ['readings', 'alarm-events'];
const COMPACTION_KEYS: ReadonlySet<string> = new Set(Object.values(COMPACTION_META));

/** Every `dt=YYYY-MM-DD` day that has objects of either kind, ascending. */
export async function listZoneDays(zone: RawZone, kinds: readonly ObjectKind[] = KINDS): Promise<string[]> {
  const days = new Set<string>();
  for (const kind of kinds) {
    const prefix = `${KIND_PREFIX[kind]}dt=`;
    let pageToken: string | undefined;
    do {
      const page = await zone.list(prefix, { delimiter: '/', pageToken });
      for (const p of page.prefixes) {
        const day = p.slice(prefix.length, -1);
        if (isDay(day)) days.add(day);
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
  return [...days].sort();
}

export interface ZoneDay {
  readonly objects: RawObject[];
  /** Names under the day's folders that are not raw data objects (left alone, reported). */
  readonly ignored: string[];
  /** The day's compaction work objects (manifests, compose parts): left by a compaction in progress or stopped. */
  readonly work: RawObject[];
  readonly manifests: Manifest[];
}

/** The raw data objects of one day, both kinds, with its manifests' marks applied. */
export async function listZoneDay(zone: RawZone, day: string): Promise<ZoneDay> {
  const objects: RawObject[] = [];
  const ignored: string[] = [];
  for (const kind of KINDS) {
    for await (const page of listAll(zone, `${KIND_PREFIX[kind]}dt=${day}/`, { metadataKeys: COMPACTION_KEYS })) {
      for (const o of page) {
        if (parseObjectName(o.name) === null) ignored.push(o.name);
        else objects.push(o);
      }
    }
  }
  const work: RawObject[] = [];
  for await (const page of listAll(zone, workPrefix(day), { metadataKeys: COMPACTION_KEYS })) work.push(...page);
  const manifests: Manifest[] = [];
  for (const w of work.filter((o) => isManifestName(o.name))) {
    // Only after a crash or during a compaction: the one read a listing makes.
    const manifest = parseManifest((await zone.read(w.name)).toString('utf8'));
    if (manifest !== null) manifests.push(manifest);
  }
  return { objects: applyManifests(objects, manifests), ignored, work, manifests };
}
