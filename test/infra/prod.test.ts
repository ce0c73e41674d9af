// The prod stack, from Pulumi.prod.yaml: everything in stack-suite.ts, and the stateful
// resources locked twice (Pulumi protect and the provider's deletion policy / protection).
import { describe, expect, test } from 'vitest';
import { T } from './harness.ts';
import { describeStack, STATEFUL } from './stack-suite.ts';

const { run } = describeStack('prod');

describe('prod: protected', () => {
  test('buckets with data, the dataset and every table are protected and cannot be deleted', () => {
    for (const [type, name] of STATEFUL) {
      const r = run().one(type, name);
      expect(r.protect, `${type} ${name}`).toBe(true);
      if (type === T.bucket) expect([r.inputs.forceDestroy, r.inputs.deletionPolicy], name).toEqual([false, 'PREVENT']);
      if (type === T.dataset) expect([r.inputs.deleteContentsOnDestroy, r.inputs.deletionPolicy]).toEqual([false, 'PREVENT']);
      if (type === T.table) expect(r.inputs.deletionProtection, name).toBe(true);
    }
  });

  test('only stateful resources are protected (the rest is rebuilt from the repository)', () => {
    const protectedNames = run()
      .resources.filter((r) => r.protect)
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(protectedNames).toEqual(STATEFUL.map(([t, n]) => `${t} ${n}`).sort());
  });

  test('raw data is kept: no retention rule, only the outbox clean-up', () => {
    expect(
      run()
        .one(T.bucket, 'raw')
        .inputs.lifecycleRules.map((r: { condition: { matchesPrefixes: string[] } }) => r.condition.matchesPrefixes),
    ).toEqual([['state/alarms/outbox/']]);
  });

  test('per-function override: land scales further than the default', () => {
    expect(run().one(T.fn, 'land').inputs.serviceConfig.maxInstanceCount).toBe(50);
    expect(run().one(T.fn, 'detect').inputs.serviceConfig.maxInstanceCount).toBe(20);
  });
});
