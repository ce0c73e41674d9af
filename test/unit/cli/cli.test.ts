// The CLI's contract with scripts: help for every command, exit 0 / 1 / 2. Runs the real binary
// (node cli/plantlake.ts) without any cloud target; failures of runs are covered on the emulators.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../local/repo-root.ts';

function plantlake(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PLANTLAKE_') && k !== 'PUBSUB_EMULATOR_HOST'));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'cli', 'plantlake.ts'), ...args],
      { env: { ...clean, ...env }, encoding: 'utf8', timeout: 30_000 },
      (err, out, errOut) => resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, out, err: errOut }),
    );
  });
}

// Each case starts a Node process: on a loaded machine twelve at once take longer than the unit default of 5 s.
describe.concurrent('plantlake CLI', { timeout: 60_000 }, () => {
  it.each([[['--help']], [['daily', '--help']], [['backfill', '--help']], [['rebuild', '--help']], [['lifecycle', '--help']]])(
    'prints help for %j',
    async (args) => {
      const r = await plantlake(args);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: plantlake/);
    },
  );

  it('documents every option of backfill', async () => {
    const r = await plantlake(['backfill', '--help']);
    for (const flag of ['--from <day>', '--to <day>', '--force', '--raw-bucket', '--dataset', '--json']) expect(r.out).toContain(flag);
  });

  it.each([
    [['nonsense'], /unknown command/],
    [['backfill', '--from', '2024-03-01'], /required option '--to <day>'/],
    [['backfill', '--from', '2024-03-05', '--to', '2024-03-01', '--raw-bucket', 'r', '--config-bucket', 'c'], /before --from/],
    [['rebuild', '--day', '2024-3-1'], /not a day; write it YYYY-MM-DD/],
    [['daily'], /PLANTLAKE_RAW_BUCKET is not set.*--raw-bucket/],
    [['daily', '--raw-bucket', 'r', '--config-bucket', 'c'], /Only some emulator variables/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const env: Record<string, string> = args.includes('--raw-bucket') && args[0] === 'daily' ? { PUBSUB_EMULATOR_HOST: 'localhost:1' } : {};
    const r = await plantlake(args, env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
