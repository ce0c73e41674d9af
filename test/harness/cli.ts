// The real CLI in a child process (node cli/plantlake.ts), as an operator or a script runs it:
// the integration tests that drive it share this one spawner.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../local/repo-root.ts';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `plantlake ARGS` with exactly `env`; resolves with its exit code and output, never rejects. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, options: { timeoutMs?: number; maxBuffer?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'cli', 'plantlake.ts'), ...args],
      { env, encoding: 'utf8', timeout: options.timeoutMs ?? 120_000, ...(options.maxBuffer ? { maxBuffer: options.maxBuffer } : {}) },
      (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out, err: errOut }),
    );
  });
}
