// One compaction through the raw-zone port, server-side: Cloud Storage's compose concatenates the
// sources (gzip members concatenate into a valid gzip file), so no byte passes through the
// function. In an order that keeps the day's fingerprint constant at every step (fingerprint.ts):
//   1. write the manifest naming the sources (create-once; counts for nothing while the target
//      does not exist);
//   2. compose the sources into the target with ifGenerationMatch=0, through a tree of parts when
//      there are more than 32, the target's metadata carrying the sources' leaf count and sum;
//      from now on the target counts for the sources and they count for nothing;
//   3. verify it: stored size = the sources' sizes summed, CRC32C = their CRCs combined in order
//      (crc32c.ts), all from listings, nothing read;
//   4. delete the parts and the sources, then the manifest.
// A crash anywhere leaves a state the next run's listing reads the same way, and finishPending
// completes it (see lifecycle.ts).
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { concatenatedCrc32c } from '../core/crc32c.ts';
import type { RawObject, RawZone } from '../core/raw-zone.ts';
import { mapLimit } from './context.ts';
import { composeTree, manifestName, manifestOf } from './compaction-manifest.ts';
import { COMPACTION_META, gsUri } from '../core/lake-paths.ts';
import type { CompactionGroup } from './plan.ts';

/** Object requests at once within one compaction (compose parts, deletes). */
export const ZONE_REQUESTS_AT_ONCE = 16;

const NDJSON_GZIP = { contentType: 'application/x-ndjson', contentEncoding: 'gzip' } as const;

/** True when `target` is exactly the concatenation of `sources` (size and CRC32C), judged from metadata alone. */
export function isConcatenationOf(target: RawObject, sources: readonly Pick<RawObject, 'size' | 'crc32c'>[]): boolean {
  const size = sources.reduce((n, s) => n + s.size, 0);
  const crc = concatenatedCrc32c(sources);
  return target.size === size && crc !== null && target.crc32c === crc;
}

/** Lines and sha256 over `line\n` of every non-blank line of the objects, in order (the crash path only). */
export async function linesDigest(zone: RawZone, names: readonly string[]): Promise<{ lines: number; sha256: string }> {
  const hash = createHash('sha256');
  let lines = 0;
  for (const name of names) {
    const stored = await zone.read(name);
    const text = (stored[0] === 0x1f && stored[1] === 0x8b ? gunzipSync(stored) : stored).toString('utf8');
    for (const raw of text.split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      hash.update(`${line}\n`);
      lines += 1;
    }
  }
  return { lines, sha256: hash.digest('hex') };
}

/**
 * Whether an existing `target` holds exactly the lines of `sources`: by metadata when it is their
 * concatenation (a composed target), else by reading both (a target an earlier version of the
 * job wrote by re-gzipping; only met after a crash).
 */
export async function holdsExactly(zone: RawZone, target: RawObject, sources: readonly RawObject[]): Promise<boolean> {
  if (isConcatenationOf(target, sources)) return true;
  const [t, s] = await Promise.all([
    linesDigest(zone, [target.name]),
    linesDigest(
      zone,
      sources.map((o) => o.name),
    ),
  ]);
  return t.lines === s.lines && t.sha256 === s.sha256;
}

/** Deletes objects, ZONE_REQUESTS_AT_ONCE at once; one already gone is fine. */
export async function deleteAll(zone: RawZone, names: readonly string[]): Promise<void> {
  await mapLimit(names, ZONE_REQUESTS_AT_ONCE, (n) => zone.delete(n));
}

async function composeInto(zone: RawZone, group: CompactionGroup): Promise<{ target: RawObject; composedNow: boolean; parts: string[] }> {
  const levels = composeTree(
    group.sources.map((o) => o.name),
    group.target,
  );
  const parts: string[] = [];
  for (const [i, steps] of levels.entries()) {
    const last = i === levels.length - 1;
    const results = await mapLimit(steps, ZONE_REQUESTS_AT_ONCE, (step) =>
      zone.compose(step.sources, step.into, {
        ...NDJSON_GZIP,
        ...(last ? { metadata: { [COMPACTION_META.sourcesSum]: group.sourcesSum, [COMPACTION_META.sourcesCount]: String(group.sourcesCount) } } : {}),
      }),
    );
    if (!last) {
      parts.push(...steps.map((s) => s.into));
      continue;
    }
    const result = results[0]!;
    if (result !== 'exists') return { target: result, composedNow: true, parts };
    const found = await zone.stat(group.target);
    if (found === null) throw new Error(`${gsUri(zone.name, group.target)} was reported to exist but cannot be found`);
    return { target: found, composedNow: false, parts };
  }
  throw new Error('unreachable: a compose tree has a last level');
}

/**
 * Compacts one group: manifest, compose (tree), verify, delete. Returns the number of sources
 * deleted. A part that exists from a stopped earlier run is complete (compose is atomic) and is reused.
 */
export async function compactByCompose(zone: RawZone, group: CompactionGroup): Promise<number> {
  const manifest = manifestName(group.target);
  await zone.createOnce(manifest, JSON.stringify(manifestOf(group.target, group.sources as RawObject[])), { contentType: 'application/json' });
  const { target, composedNow, parts } = await composeInto(zone, group);
  if (composedNow && !isConcatenationOf(target, group.sources)) {
    await zone.delete(group.target);
    throw new Error(
      `compacted object ${gsUri(zone.name, group.target)} did not verify (stored ${target.size} bytes, crc32c ${target.crc32c}); it was deleted and the sources kept`,
    );
  }
  if (!composedNow && !(await holdsExactly(zone, target, group.sources as RawObject[]))) {
    throw new Error(`${gsUri(zone.name, group.target)} exists but does not hold exactly its sources' lines; delete it and run the lifecycle again`);
  }
  await deleteAll(zone, parts);
  await deleteAll(
    zone,
    group.sources.map((o) => o.name),
  );
  await zone.delete(manifest);
  return group.sources.length;
}
