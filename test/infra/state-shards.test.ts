// stateShards reaches detect and the STALE sweep, and nothing else (one program run per file: the
// program module is imported once; the refusal of a bad value is in bad-state-shards.test.ts).
import { expect, test } from 'vitest';
import { runProgram, T } from './harness.ts';

test('stateShards sets PLANTLAKE_STATE_SHARDS on detect and the sweep only', async () => {
  const run = await runProgram('dev', { overrides: { 'plantlake:stateShards': '32' } });
  for (const fn of ['detect', 'sweep']) expect(run.one(T.fn, fn).inputs.serviceConfig.environmentVariables.PLANTLAKE_STATE_SHARDS, fn).toBe('32');
  for (const fn of ['land', 'notify', 'daily']) expect(run.one(T.fn, fn).inputs.serviceConfig.environmentVariables.PLANTLAKE_STATE_SHARDS, fn).toBeUndefined();
});
