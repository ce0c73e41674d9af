// The day fingerprint: order-free, sensitive to any object change, and unchanged by compaction at
// every step of it (mark, write, delete), so a compacted day is not reloaded.
import { describe, expect, it } from 'vitest';
import { classify, dayFingerprint, effectiveObjects, leafSum, sumHex } from '../../../../functions/daily/fingerprint.ts';
import { COMPACTION_META, type LakeObject } from '../../../../functions/core/lake-paths.ts';

const obj = (file: string, size = 100, md5 = `md5-${file}`, extra: Partial<LakeObject> = {}): LakeObject => ({
  name: `readings/dt=2024-03-01/site=A/${file}.ndjson.gz`,
  size,
  md5Hash: md5,
  crc32c: `crc-${file}`,
  storageClass: 'STANDARD',
  ...extra,
});

function compactedOf(sources: LakeObject[], file = 'compacted-0123456789abcdef'): LakeObject {
  const sum = leafSum(sources);
  return obj(file, 999, 'md5-compacted', {
    metadata: { [COMPACTION_META.sourcesSum]: sumHex(sum.sum), [COMPACTION_META.sourcesCount]: String(sum.count) },
  });
}

const marked = (o: LakeObject, target: LakeObject): LakeObject => ({ ...o, metadata: { [COMPACTION_META.compactedInto]: target.name } });

describe('dayFingerprint', () => {
  const a = obj('b1');
  const b = obj('b2');
  const c = obj('b3');

  it('does not depend on listing order', () => {
    expect(dayFingerprint([a, b, c])).toBe(dayFingerprint([c, a, b]));
    expect(dayFingerprint([a, b, c])).toMatch(/^v1-3-[0-9a-f]{64}$/);
  });

  it('changes when an object is added, removed, renamed or rewritten with other content', () => {
    const base = dayFingerprint([a, b]);
    expect(dayFingerprint([a, b, c])).not.toBe(base);
    expect(dayFingerprint([a])).not.toBe(base);
    expect(dayFingerprint([a, obj('b2', 100, 'other-md5')])).not.toBe(base);
    expect(dayFingerprint([a, obj('b2', 101)])).not.toBe(base);
    expect(dayFingerprint([a, obj('b9', 100, 'md5-b2')])).not.toBe(base);
  });

  it('ignores the storage class and generation (a Coldline move keeps it)', () => {
    expect(dayFingerprint([a, { ...b, storageClass: 'COLDLINE' }])).toBe(dayFingerprint([a, b]));
  });

  it('uses CRC32C when an object has no MD5 (composite objects)', () => {
    const noMd5 = { ...a, md5Hash: undefined };
    expect(dayFingerprint([noMd5])).not.toBe(dayFingerprint([{ ...noMd5, crc32c: 'other' }]));
  });

  it('stays the same through every step of a compaction', () => {
    const before = dayFingerprint([a, b, c]);
    const target = compactedOf([a, b]);
    // 1. sources marked, target not written yet: marks are ignored.
    expect(dayFingerprint([marked(a, target), marked(b, target), c])).toBe(before);
    // 2. target written, sources still there: they count for nothing, the target for them.
    expect(dayFingerprint([marked(a, target), marked(b, target), c, target])).toBe(before);
    // 3. one source deleted, 4. both.
    expect(dayFingerprint([marked(b, target), c, target])).toBe(before);
    expect(dayFingerprint([c, target])).toBe(before);
  });

  it('changes when a new object arrives after compaction (a resend of a compacted batch too)', () => {
    const target = compactedOf([a, b]);
    const after = dayFingerprint([target, c]);
    expect(dayFingerprint([target, c, obj('late')])).not.toBe(after);
    expect(dayFingerprint([target, c, a])).not.toBe(after);
  });

  it('treats an object with foreign or broken compaction metadata as a plain object', () => {
    const fake = obj('compacted-x', 5, 'm', { metadata: { [COMPACTION_META.sourcesSum]: 'nothex', [COMPACTION_META.sourcesCount]: '2' } });
    expect(classify([fake]).plain).toEqual([fake]);
    expect(dayFingerprint([fake])).toBe(dayFingerprint([obj('compacted-x', 5, 'm')]));
  });
});

describe('effectiveObjects', () => {
  it('holds each row once: the compacted object, not the sources waiting for deletion', () => {
    const a = obj('b1');
    const b = obj('b2');
    const target = compactedOf([a, b]);
    const c = obj('b3');
    expect(
      effectiveObjects([marked(a, target), marked(b, target), c, target])
        .map((o) => o.name)
        .sort(),
    ).toEqual([c.name, target.name].sort());
    // Marked into a target that does not exist: the sources still hold the rows.
    expect(effectiveObjects([marked(a, target), b]).length).toBe(2);
  });
});
