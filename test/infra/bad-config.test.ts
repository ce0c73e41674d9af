// The program itself refuses a bad stack config before declaring anything, naming the key.
import { expect, test } from 'vitest';
import { runProgram } from './harness.ts';

test('pulumi up with a bad value fails naming the key and the fix, with nothing declared', async () => {
  const registrations: string[] = [];
  await expect(runProgram('dev', { overrides: { 'plantlake:coldlineAgeDays': 'abc' }, registrations })).rejects.toThrow(
    'plantlake:coldlineAgeDays must be a whole number of days ≥ 1 (got "abc"); set it with pulumi config set plantlake:coldlineAgeDays 30',
  );
  expect(registrations).toEqual([]);
});
