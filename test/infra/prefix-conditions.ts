// Least privilege by object prefix in the raw bucket, asserted over every bucket IAM binding of the
// program: who may write there, under which prefixes only. A new writer of the raw bucket fails
// here until its prefixes are written down in WRITERS.
import { beforeAll, describe, expect, test } from 'vitest';
import { bucketNames, OBJECTS } from '../../functions/core/resources.ts';
import { ROLES } from '../../infra/iam.ts';
import type { Captured, Run } from './harness.ts';

const BUCKET_IAM = 'gcp:storage/bucketIAMMember:BucketIAMMember';
/** Roles that can create, overwrite or delete objects. */
const WRITE_ROLES: readonly string[] = [ROLES.objectCreator, ROLES.objectUser, ROLES.objectAdmin, 'roles/storage.admin'];

/** Service account id → the prefixes it may write under in the raw bucket. */
const WRITERS: Readonly<Record<string, readonly string[]>> = {
  'plantlake-fn-land': [OBJECTS.readingsPrefix, OBJECTS.quarantinePrefix],
  'plantlake-fn-detect': [OBJECTS.alarmStatePrefix, OBJECTS.alarmEventsPrefix, OBJECTS.livePrefix],
  'plantlake-fn-daily': [OBJECTS.readingsPrefix, OBJECTS.alarmEventsPrefix, OBJECTS.dailyLeasePrefix],
  'plantlake-fn-notify': [OBJECTS.notifyLedgerPrefix],
  // The STALE sweep commits through detect's path, so it holds detect's prefixes.
  'plantlake-fn-sweep': [OBJECTS.alarmStatePrefix, OBJECTS.alarmEventsPrefix, OBJECTS.livePrefix],
};

/** The prefixes of an expression made only of `resource.name.startsWith(".../objects/<p>")` joined by `||`, else null. */
function prefixesOf(expression: string, bucket: string): string[] | null {
  const clause = new RegExp(`^resource\\.name\\.startsWith\\("projects/_/buckets/${bucket.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/objects/([^"]+)"\\)$`);
  const prefixes: string[] = [];
  for (const part of expression.split(' || ')) {
    const m = clause.exec(part);
    if (m === null) return null;
    prefixes.push(m[1]!);
  }
  return prefixes;
}

const accountOf = (member: string) => /^serviceAccount:([^@]+)@/.exec(member)?.[1] ?? member;

export function describePrefixConditions(stack: string, getRun: () => Run): void {
  describe(`${stack}: raw bucket writes are limited by object prefix`, () => {
    let run: Run;
    let raw: string;
    let grants: Captured[];
    beforeAll(() => {
      run = getRun();
      raw = bucketNames(run.config['plantlake:bucketPrefix'] ?? '').raw;
      grants = run.ofType(BUCKET_IAM).filter((r) => r.inputs.bucket === raw);
    });

    test('every write grant on the raw bucket names its principal in WRITERS and holds only under its prefixes', () => {
      const writes = grants.filter((r) => WRITE_ROLES.includes(r.inputs.role));
      expect(writes.map((r) => accountOf(r.inputs.member)).sort()).toEqual(Object.keys(WRITERS).sort());
      for (const r of writes) {
        const who = accountOf(r.inputs.member);
        const expression = r.inputs.condition?.expression as string | undefined;
        expect(expression, `${r.name}: ${who} writes the raw bucket without a prefix condition`).toBeTypeOf('string');
        const prefixes = prefixesOf(expression!, raw);
        expect(prefixes, `${r.name}: condition is not a plain prefix list: ${expression}`).not.toBeNull();
        expect([...prefixes!].sort(), r.name).toEqual([...WRITERS[who]!].sort());
      }
    });

    test('land creates only under readings/ and quarantine/; daily never writes state/; detect never writes readings/', () => {
      const writable = (who: string) =>
        grants
          .filter((r) => WRITE_ROLES.includes(r.inputs.role) && accountOf(r.inputs.member) === who)
          .flatMap((r) => prefixesOf(r.inputs.condition.expression, raw) ?? ['(whole bucket)']);
      expect(writable('plantlake-fn-land').sort()).toEqual(['quarantine/', 'readings/']);
      expect(grants.filter((r) => accountOf(r.inputs.member) === 'plantlake-fn-land' && WRITE_ROLES.includes(r.inputs.role)).map((r) => r.inputs.role)).toEqual(
        [ROLES.objectCreator],
      );
      expect(writable('plantlake-fn-daily').some((p) => p.startsWith('state/') || p === '(whole bucket)')).toBe(false);
      expect(writable('plantlake-fn-detect').some((p) => p.startsWith(OBJECTS.readingsPrefix) || p === '(whole bucket)')).toBe(false);
    });

    test('land reads only readings/ (the content hash of a reused batch id)', () => {
      const reads = grants.filter((r) => accountOf(r.inputs.member) === 'plantlake-fn-land' && !WRITE_ROLES.includes(r.inputs.role));
      expect(reads.map((r) => [r.inputs.role, prefixesOf(r.inputs.condition?.expression ?? '', raw)])).toEqual([[ROLES.objectViewer, ['readings/']]]);
    });
  });
}
