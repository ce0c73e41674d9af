// The fingerprint of a day's raw objects: what load_audit.source_fingerprint holds, and what the
// daily job compares to decide whether a day changed since its last successful load.
//
// Design: every original raw object is a *leaf*, identified by sha256(name, size, MD5 or CRC32C),
// which changes whenever an object's content or name does. The fingerprint is the count of leaves
// and their sum modulo 2^256 (an additive multiset hash), so it is order-free and can be carried
// forward without listing the leaves again:
//   - compaction writes one object in place of many and records, in its custom metadata, the count
//     and sum of the leaves it replaces; it then counts as exactly those leaves. A compacted day
//     therefore keeps its fingerprint and is not reloaded.
//   - a genuinely new object (late data, a resend after compaction) adds a leaf: the sum changes
//     and the day is reloaded. A deleted object removes one: likewise.
//   - a storage-class change rewrites an object but keeps name, size and MD5: no change.
// Crash safety: compaction first marks each source with the name of its target, then writes the
// target. A source marked into a target that exists counts as nothing (the target carries it); a
// mark whose target does not exist is ignored. So at every step of a compaction the sum is the
// same (see lifecycle.ts for the order of steps).
// Both kinds (readings, alarm events) of a day go into one fingerprint: either changing reloads
// the day. Computed from a listing alone, never by reading objects: the daily run lists every day.
import { createHash } from 'node:crypto';
import { COMPACTION_META, type LakeObject } from '../core/lake-paths.ts';

export const FINGERPRINT_VERSION = 'v1';
const MODULUS = 1n << 256n;
const HEX64 = /^[0-9a-f]{64}$/;

/** Hash of one original raw object: its name and stored content. */
export function leafHash(object: Pick<LakeObject, 'name' | 'size' | 'md5Hash' | 'crc32c'>): bigint {
  const content = object.md5Hash ? `md5:${object.md5Hash}` : object.crc32c ? `crc32c:${object.crc32c}` : 'none';
  const hex = createHash('sha256').update(`${object.name}\n${object.size}\n${content}`).digest('hex');
  return BigInt(`0x${hex}`);
}

export interface LeafSum {
  readonly sum: bigint;
  readonly count: number;
}

export function addSums(a: LeafSum, b: LeafSum): LeafSum {
  return { sum: (a.sum + b.sum) % MODULUS, count: a.count + b.count };
}

export const EMPTY_SUM: LeafSum = { sum: 0n, count: 0 };

export function sumHex(sum: bigint): string {
  return sum.toString(16).padStart(64, '0');
}

/** The leaves a compacted object stands for, or null when its metadata is not ours. */
export function compactedSources(object: LakeObject): LeafSum | null {
  const hex = object.metadata?.[COMPACTION_META.sourcesSum];
  const count = Number(object.metadata?.[COMPACTION_META.sourcesCount]);
  if (hex === undefined || !HEX64.test(hex) || !Number.isInteger(count) || count < 1) return null;
  return { sum: BigInt(`0x${hex}`), count };
}

export interface Classified {
  /** Compacted objects (each stands for the leaves in its metadata). */
  readonly compacted: readonly LakeObject[];
  /** Originals already copied into a compacted object that exists: waiting for deletion. */
  readonly superseded: readonly LakeObject[];
  /** Originals that hold their own rows. */
  readonly plain: readonly LakeObject[];
}

export function classify(objects: readonly LakeObject[]): Classified {
  const compacted = objects.filter((o) => compactedSources(o) !== null);
  const compactedNames = new Set(compacted.map((o) => o.name));
  const superseded: LakeObject[] = [];
  const plain: LakeObject[] = [];
  for (const o of objects) {
    if (compactedNames.has(o.name)) continue;
    const into = o.metadata?.[COMPACTION_META.compactedInto];
    if (into !== undefined && compactedNames.has(into)) superseded.push(o);
    else plain.push(o);
  }
  return { compacted, superseded, plain };
}

/** The objects that hold the day's rows exactly once: compacted and plain (never superseded). */
export function effectiveObjects(objects: readonly LakeObject[]): LakeObject[] {
  const { compacted, plain } = classify(objects);
  return [...compacted, ...plain];
}

export function leafSum(objects: readonly LakeObject[]): LeafSum {
  let total = EMPTY_SUM;
  for (const o of objects) total = addSums(total, { sum: leafHash(o), count: 1 });
  return total;
}

/** `v1-<leaf count>-<hex sum>` over a day's objects of both kinds. */
export function dayFingerprint(objects: readonly LakeObject[]): string {
  const { compacted, plain } = classify(objects);
  let total = leafSum(plain);
  for (const o of compacted) total = addSums(total, compactedSources(o)!);
  return `${FINGERPRINT_VERSION}-${total.count}-${sumHex(total.sum)}`;
}
