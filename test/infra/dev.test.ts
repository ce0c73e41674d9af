// The dev stack, from Pulumi.dev.yaml: everything in stack-suite.ts, and nothing protected, so
// a dev environment can be torn down and rebuilt.
import { describe, expect, test } from 'vitest';
import { T } from './harness.ts';
import { describeStack, STATEFUL } from './stack-suite.ts';

const { run } = describeStack('dev');

describe('dev: disposable', () => {
  test('no resource is protected and destroy may empty buckets and the dataset', () => {
    expect(
      run()
        .resources.filter((r) => r.protect)
        .map((r) => r.name),
    ).toEqual([]);
    for (const [type, name] of STATEFUL) {
      const i = run().one(type, name).inputs;
      if (type === T.bucket) expect([i.forceDestroy, i.deletionPolicy], name).toEqual([true, 'DELETE']);
      if (type === T.dataset) expect([i.deleteContentsOnDestroy, i.deletionPolicy]).toEqual([true, 'DELETE']);
      if (type === T.table) expect(i.deletionProtection, name).toBe(false);
    }
  });

  test('raw objects are deleted after the configured retention', () => {
    expect(
      run()
        .one(T.bucket, 'raw')
        .inputs.lifecycleRules.map((r: { condition: { age: number } }) => r.condition.age),
    ).toEqual([7, 400]);
  });
});
