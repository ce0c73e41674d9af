// The compaction manifest: one small object per compaction, written before the compacted object,
// that names its sources, in place of one metadata mark per source (864,000 patches a day at R10).
// It lives under the daily job's own prefix (daily/compaction/dt=DAY/…, where daily may write),
// next to the compose tree's intermediate parts, so the data folders hold data only. A listing of
// a day reads the day's manifests (there are none outside a compaction in progress or stopped by
// a crash) and marks the sources they name, exactly as a per-source mark would: a source marked
// into a compacted object that exists counts for nothing (fingerprint.ts), so the day's
// fingerprint is the same before, during and after the compaction. Pure.
import { OBJECTS } from '../core/resources.ts';
import { COMPOSE_MAX_SOURCES, type RawObject } from '../core/raw-zone.ts';
import { COMPACTION_META, parseObjectName } from '../core/lake-paths.ts';

export const COMPACTION_WORK_PREFIX = `${OBJECTS.dailyLeasePrefix}compaction/`;

/** Where a day's manifests and compose parts live: one listing page finds them all. */
export function workPrefix(day: string): string {
  return `${COMPACTION_WORK_PREFIX}dt=${day}/`;
}

function targetStem(target: string): { day: string; stem: string } {
  const parsed = parseObjectName(target);
  if (parsed === null) throw new Error(`${target} is not a raw data object name`);
  return { day: parsed.day, stem: target.replace(/\.ndjson\.gz$/, '') };
}

export function manifestName(target: string): string {
  const { day, stem } = targetStem(target);
  return `${workPrefix(day)}${stem}.manifest.json`;
}

/** An intermediate object of the compose tree (level 1 composes sources, level 2 parts, …). */
export function partName(target: string, level: number, index: number): string {
  const { day, stem } = targetStem(target);
  return `${workPrefix(day)}${stem}.part-${level}-${index}`;
}

export function isManifestName(name: string): boolean {
  return name.startsWith(COMPACTION_WORK_PREFIX) && name.endsWith('.manifest.json');
}

export interface ManifestSource {
  readonly name: string;
  readonly size: number;
  readonly crc32c?: string | undefined;
  /** The generation listed: a later object of the same name is not this source. */
  readonly generation?: string | undefined;
}

export interface Manifest {
  readonly version: 1;
  readonly target: string;
  readonly sources: readonly ManifestSource[];
}

export function manifestOf(target: string, sources: readonly RawObject[]): Manifest {
  return {
    version: 1,
    target,
    sources: sources.map((s) => ({ name: s.name, size: s.size, crc32c: s.crc32c, generation: s.generation })),
  };
}

/** The manifest in `text`, or null when it is not one (a foreign or damaged object is ignored, never trusted). */
export function parseManifest(text: string): Manifest | null {
  try {
    const m = JSON.parse(text) as Partial<Manifest>;
    if (m.version !== 1 || typeof m.target !== 'string' || parseObjectName(m.target) === null || !Array.isArray(m.sources)) return null;
    if (!m.sources.every((s) => typeof s?.name === 'string' && typeof s.size === 'number')) return null;
    return m as Manifest;
  } catch {
    return null;
  }
}

/**
 * The listing with each source a manifest names marked into its target (the per-source mark, as
 * if written). A source with a different generation than the manifest recorded is a new object
 * under an old name and stays unmarked.
 */
export function applyManifests<T extends RawObject>(objects: readonly T[], manifests: readonly Manifest[]): T[] {
  if (manifests.length === 0) return [...objects];
  const into = new Map<string, { target: string; generation?: string | undefined }>();
  for (const m of manifests) for (const s of m.sources) into.set(s.name, { target: m.target, generation: s.generation });
  return objects.map((o) => {
    const mark = into.get(o.name);
    if (mark === undefined || (mark.generation !== undefined && o.generation !== undefined && mark.generation !== o.generation)) return o;
    return { ...o, metadata: { ...o.metadata, [COMPACTION_META.compactedInto]: mark.target } };
  });
}

export interface ComposeStep {
  readonly sources: readonly string[];
  readonly into: string;
}

/**
 * The compose tree from `sources` (in order) to `target`: levels of requests of at most 32
 * sources each, every level's parts in order, the last level one request into the target.
 * 8,640 sources (a site-day at R10) are 270 + 9 + 1 requests.
 */
export function composeTree(sources: readonly string[], target: string): ComposeStep[][] {
  const levels: ComposeStep[][] = [];
  let current = [...sources];
  for (let level = 1; current.length > COMPOSE_MAX_SOURCES; level++) {
    const steps: ComposeStep[] = [];
    for (let i = 0; i < current.length; i += COMPOSE_MAX_SOURCES) {
      steps.push({ sources: current.slice(i, i + COMPOSE_MAX_SOURCES), into: partName(target, level, steps.length) });
    }
    levels.push(steps);
    current = steps.map((s) => s.into);
  }
  levels.push([{ sources: current, into: target }]);
  return levels;
}
