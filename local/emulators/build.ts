// Builds the Go emulator stack (emulators/) into .cache/emulators, once: the binary is rebuilt
// only when the Go sources or go.mod/go.sum change (a stamp holds their hash), and Go's own build
// cache makes a rebuild after a source change take seconds. A cold build compiles about a
// thousand packages (the BigQuery emulator's SQL engine is most of it), so it shows progress.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { repoRoot } from '../repo-root.ts';

const sourceDir = join(repoRoot, 'emulators');
const cacheDir = join(repoRoot, '.cache', 'emulators');
export const binaryPath = join(cacheDir, 'plantlake-emulators');
const stampPath = join(cacheDir, 'stamp');

/** Go 1.25 or later; older toolchains cannot build the pinned modules. */
const MIN_GO = [1, 25] as const;

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
  return existsSync(binaryPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === sourceHash();
}

function checkGo(): void {
  const probe = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Go was not found on the PATH. The local emulators are built from Go modules: install Go ' +
        `${MIN_GO.join('.')} or later (https://go.dev/doc/install) and run the command again.`,
    );
  }
  const version = probe.stdout.trim();
  const match = /^go(\d+)\.(\d+)/.exec(version);
  const [major, minor] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new Error(`Go ${version} is too old to build the emulators: install Go ${MIN_GO.join('.')} or later.`);
  }
}

export interface BuildResult {
  built: boolean;
  seconds: number;
  packagesCompiled: number;
}

/** Builds the emulator binary if it is missing or stale. Progress goes to stderr. */
export async function buildEmulators(options: { force?: boolean; quiet?: boolean } = {}): Promise<BuildResult> {
  if (!options.force && isBuildCurrent()) return { built: false, seconds: 0, packagesCompiled: 0 };
  checkGo();
  mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();
  const deps = spawnSync('go', ['list', '-deps', '.'], { cwd: sourceDir, encoding: 'utf8' });
  const total = deps.status === 0 ? deps.stdout.split('\n').filter(Boolean).length : 1000;

  const bar = options.quiet
    ? undefined
    : new cliProgress.SingleBar(
        {
          format: 'building emulators |{bar}| {value}/{total} packages compiled, {duration_formatted}',
          stream: process.stderr,
          noTTYOutput: true,
          notTTYSchedule: 15_000,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
  if (!options.quiet) {
    process.stderr.write(
      'Building the emulator stack (Go). The first build takes a few minutes and up to 6 GB of memory;\n' +
        "Go's build cache makes later builds take seconds.\n",
    );
  }
  bar?.start(total, 0);

  let compiled = 0;
  const stderrTail: string[] = [];
  const code = await new Promise<number>((resolvePromise, reject) => {
    const child = spawn('go', ['build', '-v', '-trimpath', '-o', binaryPath, '.'], {
      cwd: sourceDir,
      env: { ...process.env, CGO_ENABLED: process.env.CGO_ENABLED ?? '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // `go build -v` names each package as it compiles; anything else is an error message.
        if (/^[\w.-]+(\/[\w.~-]+)*$/.test(line.trim())) compiled++;
        else if (line.trim()) stderrTail.push(line);
        if (stderrTail.length > 40) stderrTail.shift();
      }
      bar?.update(Math.min(compiled, total));
    });
    child.on('error', reject);
    child.on('close', (status) => resolvePromise(status ?? 1));
  });
  bar?.update(total);
  bar?.stop();
  if (code !== 0) {
    throw new Error(
      `Building the emulators failed (go build exited with ${code}):\n${stderrTail.join('\n')}\n` +
        'Check that the Go module proxy is reachable (go env GOPROXY) and that the machine has about 6 GB of free memory.',
    );
  }
  writeFileSync(stampPath, sourceHash());
  return { built: true, seconds: (Date.now() - started) / 1000, packagesCompiled: compiled };
}
