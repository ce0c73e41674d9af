// Without `npm run build` the program stops before declaring a single resource.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { MissingBuildError } from '../../infra/sources.ts';
import { runProgram } from './harness.ts';

test('a missing function build fails the run with nothing declared', async () => {
  const registrations: string[] = [];
  const empty = mkdtempSync(join(tmpdir(), 'plantlake-nobuild-'));
  const run = runProgram('prod', { overrides: { 'plantlake:functionsDistDir': empty }, registrations });
  await expect(run).rejects.toThrow(MissingBuildError);
  await expect(run).rejects.toThrow(/run `npm run build` before `pulumi up`/);
  expect(registrations).toEqual([]);
});
