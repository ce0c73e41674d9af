// Builds Telegraf, plantlake's field gateway, into .cache/telegraf, once: from the Go module
// github.com/influxdata/telegraf at the exact version gateway/telegraf/build/go.mod pins, with
// only the plugins the shipped configs use (a full Telegraf has hundreds). The binary is rebuilt
// only when go.mod/go.sum or the tags change (a stamp holds their hash). A cold build downloads
// and compiles about 700 packages (≈2 min, ≈0.6 GB), so it shows progress like the emulator build.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkGo, goBuild, isStampCurrent, writeStamp } from '../go-build.ts';
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
  return isStampCurrent(telegrafBinary, stampPath, sourceHash());
}

export interface TelegrafBuild {
  built: boolean;
  seconds: number;
  packagesCompiled: number;
}

/** Builds the Telegraf binary if it is missing or stale. Progress goes to stderr. */
export async function buildTelegraf(options: { force?: boolean; quiet?: boolean } = {}): Promise<TelegrafBuild> {
  if (!options.force && isTelegrafCurrent()) return { built: false, seconds: 0, packagesCompiled: 0 };
  checkGo('The gateway (Telegraf)');
  mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();
  const version = telegrafVersion();
  const packagesCompiled = await goBuild({
    label: `building Telegraf ${version}`,
    intro: `Building the gateway, Telegraf ${version}, from its Go module with only plantlake's plugins. The first build\ndownloads its modules and takes a few minutes (about 0.6 GB of memory); later builds take seconds.\n`,
    cwd: moduleDir,
    args: [
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
    ],
    env: { ...process.env, CGO_ENABLED: '0' },
    // About 700 packages with these tags (go list -deps); a fixed estimate avoids a slow listing.
    total: 720,
    what: 'Telegraf',
    failHint: 'Check that the Go module proxy is reachable (go env GOPROXY). Do not run `go mod tidy` in gateway/telegraf/build: it would fetch every plugin.',
    quiet: options.quiet,
  });
  writeStamp(stampPath, sourceHash());
  return { built: true, seconds: (Date.now() - started) / 1000, packagesCompiled };
}
