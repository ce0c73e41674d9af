// Debian's Chromium for the browser tests, the latency benchmark and the README screenshots,
// driven by playwright-core (which never downloads a browser). Missing, it is installed when run
// as root (what .ci/run does up front), and otherwise the caller stops saying what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PLANTLAKE_CHROMIUM ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// closed network refuses (see the machine notes); a fresh profile per launch is Playwright's default.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `the browser tests need Debian's Chromium at ${CHROMIUM_PATH}: run \`sudo apt-get install -y chromium\` (or set PLANTLAKE_CHROMIUM to a Chromium binary), then npm test again`,
    );
  }
  process.stderr.write(`browser tests: ${CHROMIUM_PATH} is missing; installing Debian's chromium with apt-get (once, about a minute)…\n`);
  execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-q', 'chromium'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing; set PLANTLAKE_CHROMIUM to its binary`);
  return CHROMIUM_PATH;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(), headless: true, args: FLAGS });
}
