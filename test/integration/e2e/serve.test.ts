// `npm start -- --serve --gateway telegraf`, as a user runs it: its own emulators, the demo plant
// on a real OPC UA server read by a real Telegraf, land/detect/notify served, the daily job on its
// tick loading what the gateway sent, the publishing settings printed, and a clean stop on Ctrl-C.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../local/repo-root.ts';

describe('npm start -- --serve', () => {
  it('serves the pipeline for a gateway, loads what Telegraf publishes on the daily tick, and stops on SIGINT', { timeout: 240_000 }, async () => {
    const child = spawn(process.execPath, ['scripts/start.ts', '--serve', '--gateway', 'telegraf', '--free-ports', '--daily-every', '0.25'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const loaded = /daily job: loaded 1 day\(s\) \(\d{4}-\d\d-\d\d\), [1-9]\d* rows/;
    const deadline = Date.now() + 180_000;
    while (!loaded.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    const code = await exited;
    expect(out, `${out}\n${err}`).toMatch(loaded);
    expect(out).toMatch(/Pub\/Sub emulator 127\.0\.0\.1:\d+, project plantlake-local, topic readings/);
    expect(out).toMatch(/PUBSUB_EMULATOR_HOST=127\.0\.0\.1:\d+ PLANTLAKE_PROJECT=plantlake-local PLANTLAKE_READINGS_TOPIC=readings/);
    expect(out).toContain('--config gateway/telegraf/mqtt.conf');
    expect(out).toMatch(/demo plant \(REF-01, 5 signals each second\) is served at opc\.tcp:\/\/127\.0\.0\.1:\d+ and read by Telegraf/);
    expect(out).toContain('Stopping…');
    expect(code).toBe(0);
  });
});
