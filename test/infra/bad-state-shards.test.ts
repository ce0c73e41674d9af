// A stateShards out of range stops the program before anything is declared, naming the key.
import { expect, test } from 'vitest';
import { runProgram } from './harness.ts';

test('a stateShards out of range fails naming the key, with nothing declared', async () => {
  const registrations: string[] = [];
  await expect(runProgram('dev', { overrides: { 'plantlake:stateShards': '1000' }, registrations })).rejects.toThrow(
    /plantlake:stateShards must be a whole number from 1 to 256/,
  );
  expect(registrations).toEqual([]);
});
