// Builds Telegraf, plantlake's field gateway, into .cache/telegraf, once: from the Go module
// github.com/influxdata/telegraf at the exact version gateway/telegraf/build/go.mod pins, with
// only the plugins the shipped configs use (a full Telegraf has hundreds). The binary is rebuilt
// only when go.mod/go.sum or the tags change (a stamp holds their hash). A cold build downloads
// and compiles about 700 packages (≈2 min, ≈0.6 GB), so it shows progress like the emulator build.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import { repoRoot } from '../repo-root.ts';

const moduleDir = join(repoRoot, 'gateway', 'telegraf', 'build');
const cacheDir = join(repoRoot, '.cache', 'telegraf');
export const telegrafBinary = join(cacheDir, 'telegraf');
const stampPath = join(cacheDir, 'stamp');
const PACKAGE = 'github.com/influxdata/telegraf/cmd/telegraf';

/** The plugins of gateway/telegraf/*.conf; `custom` leaves every other plugin out. */
export const TELEGRAF_TAGS = [
  'custom',
  'inputs.opcua',
  'inputs.modbus',
  'inputs.mqtt_consumer',
  'inputs.file',
  'outputs.cloud_pubsub',
  'outputs.file',
  'serializers.json',
  'parsers.json',
  'parsers.influx',
  'parsers.value',
].join(',');

export function telegrafVersion(): string {
  const match = /github\.com\/influxdata\/telegraf (v[\d.]+)/.exec(readFileSync(join(moduleDir, 'go.mod'), 'utf8'));
  if (match === null) throw new Error(`${join(moduleDir, 'go.mod')} does not require github.com/influxdata/telegraf at an exact version`);
  return match[1]!;
}

function sourceHash(): string {
  const hash = createHash('sha256').update(TELEGRAF_TAGS);
  for (const name of ['go.mod', 'go.sum']) hash.update(name).update(readFileSync(join(moduleDir, name)));
  return hash.digest('hex');
}

export function isTelegrafCurrent(): boolean {
  return existsSync(telegrafBinary) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === sourceHash();
}

export interface TelegrafBuild {
  built: boolean;
  seconds: number;
  packagesCompiled: number;
}

/** Builds the Telegraf binary if it is missing or stale. Progress goes to stderr. */
export async function buildTelegraf(options: { force?: boolean; quiet?: boolean } = {}): Promise<TelegrafBuild> {
  if (!options.force && isTelegrafCurrent()) return { built: false, seconds: 0, packagesCompiled: 0 };
  const probe = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'Go was not found on the PATH. The gateway (Telegraf) is built from its Go module: install Go 1.25 or later (https://go.dev/doc/install) and run the command again.',
    );
  }
  mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();
  const version = telegrafVersion();
  const args = [
    'build',
    '-v',
    '-trimpath',
    '-tags',
    TELEGRAF_TAGS,
    '-ldflags',
    `-X github.com/influxdata/telegraf/internal.Version=${version.slice(1)}`,
    '-o',
    telegrafBinary,
    PACKAGE,
  ];
  const env = { ...process.env, CGO_ENABLED: '0' };
  const bar = options.quiet
    ? undefined
    : new cliProgress.SingleBar(
        {
          format: `building Telegraf ${version} |{bar}| {value}/{total} packages compiled, {duration_formatted}`,
          stream: process.stderr,
          noTTYOutput: true,
          notTTYSchedule: 15_000,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
  if (!options.quiet) {
    process.stderr.write(
      `Building the gateway, Telegraf ${version}, from its Go module with only plantlake's plugins. The first build\ndownloads its modules and takes a few minutes (about 0.6 GB of memory); later builds take seconds.\n`,
    );
  }
  // About 700 packages with these tags (go list -deps); a fixed estimate avoids a slow listing.
  bar?.start(720, 0);
  let compiled = 0;
  const tail: string[] = [];
  const code = await new Promise<number>((resolvePromise, reject) => {
    const child = spawn('go', args, { cwd: moduleDir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (/^[\w.-]+(\/[\w.~+-]+)*$/.test(line.trim())) compiled++;
        else if (line.trim() && !line.startsWith('go: downloading')) tail.push(line);
        if (tail.length > 40) tail.shift();
      }
      bar?.update(Math.min(compiled, 720));
    });
    child.on('error', reject);
    child.on('close', (status) => resolvePromise(status ?? 1));
  });
  bar?.update(720);
  bar?.stop();
  if (code !== 0) {
    throw new Error(
      `Building Telegraf failed (go build exited with ${code}):\n${tail.join('\n')}\n` +
        'Check that the Go module proxy is reachable (go env GOPROXY). Do not run `go mod tidy` in gateway/telegraf/build: it would fetch every plugin.',
    );
  }
  writeFileSync(stampPath, sourceHash());
  return { built: true, seconds: (Date.now() - started) / 1000, packagesCompiled: compiled };
}
