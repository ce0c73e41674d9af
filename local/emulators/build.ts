// Builds the Go emulator stack (emulators/) into .cache/emulators, once: the binary is rebuilt
// only when the Go sources or go.mod/go.sum change (a stamp holds their hash), and Go's own build
// cache makes a rebuild after a source change take seconds. A cold build compiles about a
// thousand packages (the BigQuery emulator's SQL engine is most of it), so it shows progress.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkGo, goBuild, isStampCurrent, writeStamp } from '../go-build.ts';
import { repoRoot } from '../repo-root.ts';

const sourceDir = join(repoRoot, 'emulators');
const cacheDir = join(repoRoot, '.cache', 'emulators');
export const binaryPath = join(cacheDir, 'plantlake-emulators');
const stampPath = join(cacheDir, 'stamp');

function sourceHash(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(sourceDir).sort()) {
    if (name.endsWith('.go') || name === 'go.mod' || name === 'go.sum') {
      hash.update(name).update(readFileSync(join(sourceDir, name)));
    }
  }
  return hash.digest('hex');
}

export function isBuildCurrent(): boolean {
  return isStampCurrent(binaryPath, stampPath, sourceHash());
}

export interface BuildResult {
  built: boolean;
  seconds: number;
  packagesCompiled: number;
}

/** Builds the emulator binary if it is missing or stale. Progress goes to stderr. */
export async function buildEmulators(options: { force?: boolean; quiet?: boolean } = {}): Promise<BuildResult> {
  if (!options.force && isBuildCurrent()) return { built: false, seconds: 0, packagesCompiled: 0 };
  checkGo('The local emulator stack');
  mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();
  const deps = spawnSync('go', ['list', '-deps', '.'], { cwd: sourceDir, encoding: 'utf8' });
  const packagesCompiled = await goBuild({
    label: 'building emulators',
    intro:
      'Building the emulator stack (Go). The first build takes a few minutes and up to 6 GB of memory;\n' +
      "Go's build cache makes later builds take seconds.\n",
    cwd: sourceDir,
    args: ['build', '-v', '-trimpath', '-o', binaryPath, '.'],
    env: { ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
    total: deps.status === 0 ? deps.stdout.split('\n').filter(Boolean).length : 1000,
    what: 'the emulators',
    failHint: 'Check that the Go module proxy is reachable (go env GOPROXY) and that the machine has about 6 GB of free memory.',
    quiet: options.quiet,
  });
  writeStamp(stampPath, sourceHash());
  return { built: true, seconds: (Date.now() - started) / 1000, packagesCompiled };
}
