// One way to build a Go binary from a pinned module for the local stack (the emulators, Telegraf):
// check the toolchain, run `go build -v` with a progress bar counting the packages it compiles,
// keep the tail of its messages for the error, and stamp the result with a hash of its inputs so
// the next start skips a build whose inputs did not change.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';

/** Go 1.25 or later; older toolchains cannot build the pinned modules. */
const MIN_GO = [1, 25] as const;

/** Throws, saying how to install Go, when no Go toolchain new enough is on the PATH. */
export function checkGo(what: string): void {
  const probe = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `Go was not found on the PATH. ${what} is built from Go modules: install Go ` +
        `${MIN_GO.join('.')} or later (https://go.dev/doc/install) and run the command again.`,
    );
  }
  const version = probe.stdout.trim();
  const match = /^go(\d+)\.(\d+)/.exec(version);
  const [major, minor] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new Error(`Go ${version} is too old to build ${what}: install Go ${MIN_GO.join('.')} or later.`);
  }
}

/** Whether `binary` exists and was built from inputs whose hash is `hash`. */
export function isStampCurrent(binary: string, stampPath: string, hash: string): boolean {
  return existsSync(binary) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === hash;
}

export function writeStamp(stampPath: string, hash: string): void {
  writeFileSync(stampPath, hash);
}

export interface GoBuildOptions {
  /** Progress bar label, e.g. "building emulators". */
  readonly label: string;
  /** Printed once before a build that shows progress. */
  readonly intro: string;
  readonly cwd: string;
  /** Arguments after `go`. */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Packages the build is expected to compile (the bar's end). */
  readonly total: number;
  /** Said after the error output when the build fails. */
  readonly failHint: string;
  /** What is being built, for the error message. */
  readonly what: string;
  readonly quiet?: boolean | undefined;
}

/** Runs the build; returns the packages compiled, throws with the tail of Go's messages on failure. */
export async function goBuild(o: GoBuildOptions): Promise<number> {
  const bar = o.quiet
    ? undefined
    : new cliProgress.SingleBar(
        {
          format: `${o.label} |{bar}| {value}/{total} packages compiled, {duration_formatted}`,
          stream: process.stderr,
          noTTYOutput: true,
          notTTYSchedule: 15_000,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
  if (!o.quiet) process.stderr.write(o.intro);
  bar?.start(o.total, 0);
  let compiled = 0;
  const tail: string[] = [];
  const code = await new Promise<number>((resolvePromise, reject) => {
    const child = spawn('go', [...o.args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // `go build -v` names each package as it compiles; anything else (downloads aside) is a message.
        if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line.trim())) compiled++;
        else if (line.trim() && !line.startsWith('go: downloading')) tail.push(line);
        if (tail.length > 40) tail.shift();
      }
      bar?.update(Math.min(compiled, o.total));
    });
    child.on('error', reject);
    child.on('close', (status) => resolvePromise(status ?? 1));
  });
  bar?.update(o.total);
  bar?.stop();
  if (code !== 0) throw new Error(`Building ${o.what} failed (go build exited with ${code}):\n${tail.join('\n')}\n${o.failHint}`);
  return compiled;
}
