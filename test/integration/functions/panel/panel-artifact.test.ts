// The deployable panel: `npm run build`'s archive, unpacked outside the repository (no
// node_modules, as Cloud Run runs it from source on the nodejs24 base image) and started with
// `node index.js` and the environment the Pulumi component sets, serves a site from the live
// snapshot on the Storage emulator, and only to a valid assertion.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envForTarget } from '../../../../functions/adapters/clients.ts';
import { ENV } from '../../../../functions/core/function-env.ts';
import { emptySnapshot, emptyState, mergeSnapshot, OBJECTS, serializeSnapshot, validateBatch } from '../../../../functions/core/index.ts';
import { PANEL_ENV } from '../../../../functions/panel/settings.ts';
import { createLocalIap } from '../../../../local/panel/local-iap.ts';
import { buildPanel } from '../../../../scripts/build-panel.ts';
import { emulatorTarget } from '../../../harness/emulators.ts';
import { testPipeline, waitFor, type TestPipeline } from '../support.ts';

const AUDIENCE = '/projects/123/locations/europe-west1/services/plantlake-panel';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('built panel', () => {
  const work = mkdtempSync(join(tmpdir(), 'plantlake-panel-'));
  let p: TestPipeline;
  let child: ChildProcess;
  let output = '';
  let url: string;
  const iap = createLocalIap();

  beforeAll(async () => {
    const [built, pipeline] = await Promise.all([buildPanel(join(work, 'dist')), testPipeline('panelart')]);
    p = pipeline;
    const run = join(work, 'run');
    execFileSync('mkdir', ['-p', run]);
    execFileSync('tar', ['-xzf', built.archive, '-C', run]);
    const parsed = validateBatch(
      {
        batchId: 'a-1',
        site: 'ART-1',
        source: 't',
        sentAt: new Date().toISOString(),
        readings: [{ tag: '10EGB10CL001', ts: new Date().toISOString(), value: 61.5, quality: 'good' }],
      },
      new Date(),
    );
    if (!parsed.ok) throw new Error(parsed.reason);
    const snapshot = mergeSnapshot(emptySnapshot('ART-1'), parsed.batch, { events: [], state: emptyState(), rules: null, now: new Date() });
    await p.raw.file(OBJECTS.liveSnapshot('ART-1')).save(serializeSnapshot(snapshot), { resumable: false });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['index.js'], {
      cwd: run,
      env: {
        PATH: process.env.PATH,
        ...envForTarget(emulatorTarget()),
        [ENV.rawBucket]: p.names.buckets.raw,
        [ENV.configBucket]: p.names.buckets.config,
        [ENV.environment]: 'test',
        [PANEL_ENV.access]: JSON.stringify({ headOffice: ['user:boss@example.com'], sites: { 'ART-1': ['user:op@example.com'], 'ART-2': [] } }),
        [PANEL_ENV.audience]: AUDIENCE,
        [PANEL_ENV.localKeys]: JSON.stringify(iap.keys),
        PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    await waitFor(`the panel to listen (${output})`, async () => output.includes('panel.start'), 30_000);
  }, 180_000);

  afterAll(() => {
    child?.kill();
    rmSync(work, { recursive: true, force: true });
  });

  const get = (path: string, email?: string) =>
    fetch(`${url}${path}`, email === undefined ? {} : { headers: { 'x-goog-iap-jwt-assertion': iap.sign(email, AUDIENCE) } });

  it('serves a site from its live snapshot to a permitted user, and refuses the rest', async () => {
    const page = await get('/sites/ART-1', 'op@example.com');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-tag="10EGB10CL001"');
    expect(html).toContain('61.5');
    expect((await get('/sites/ART-2', 'op@example.com')).status).toBe(403);
    expect((await get('/sites/ART-1')).status).toBe(401);
    expect((await get('/office', 'boss@example.com')).status).toBe(200);
  });
});
