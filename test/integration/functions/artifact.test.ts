// The deployable artifacts: `npm run build`'s bundles, started by the Functions Framework in a
// child process as Cloud Run starts them (functions-framework --target=<name> --source=<dir>),
// with the environment the deployment sets, handle a real Pub/Sub push body and a structured
// CloudEvent, and refuse to start without their settings, naming the variable.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envForTarget } from '../../../functions/adapters/clients.ts';
import { ENV } from '../../../functions/core/function-env.ts';
import { OBJECTS } from '../../../functions/core/resources.ts';
import { repoRoot } from '../../../local/repo-root.ts';
import { pushPath } from '../../../local/delivery/push-body.ts';
import { serveBuilt, type BuiltFunction } from '../../../local/functions/serve.ts';
import { buildFunctions, type BuiltFunction as Bundle } from '../../../scripts/build-functions.ts';
import { emulatorTarget, uniqueName } from '../../harness/emulators.ts';
import pushExample from '../../fixtures/cloudevents/binary/pubsub/MessagePublishedData-complex.json' with { type: 'json' };
import { ago, batch, json, messagePublished, objectNames, readGzipNdjson, testPipeline, waitFor, type TestPipeline } from './support.ts';

describe('built functions', () => {
  // Inside the repository, so the bundles resolve their npm dependencies from its node_modules.
  const outDir = join(repoRoot, '.cache', uniqueName('test-dist'));
  let bundles: Bundle[];
  let p: TestPipeline;
  const served: BuiltFunction[] = [];

  beforeAll(async () => {
    [bundles, p] = await Promise.all([buildFunctions({ outDir, only: ['land', 'detect', 'notify', 'sweep'] }), testPipeline('artifact')]);
  });
  afterAll(async () => {
    await Promise.all(served.map((s) => s.close()));
    rmSync(outDir, { recursive: true, force: true });
  });

  const env = () => ({
    ...envForTarget(emulatorTarget()),
    [ENV.rawBucket]: p.names.buckets.raw,
    [ENV.configBucket]: p.names.buckets.config,
    [ENV.alertsTopic]: p.names.topics.alerts,
    [ENV.environment]: 'test',
  });
  const dirOf = (name: string) => bundles.find((b) => b.name === name)!.dir;

  it('writes one folder per function with index.js and a package.json the framework loads', () => {
    expect(bundles.map((b) => b.name).sort()).toEqual(['detect', 'land', 'notify', 'sweep']);
    for (const b of bundles) {
      expect(b.dependencies['@google-cloud/functions-framework']).toMatch(/^\d+\.\d+\.\d+$/);
      expect(b.dependencies['@google-cloud/storage']).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('serves the sweep bundle as Cloud Scheduler calls it: POST {} answers with its report', async () => {
    // Rules checked on every call, so the upload below is seen at once.
    const sweep = await serveBuilt({ name: 'sweep', source: dirOf('sweep'), env: { ...env(), PLANTLAKE_CONFIG_CHECK_SECONDS: '0' } });
    served.push(sweep);
    const noRules = await fetch(sweep.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noRules.status).toBe(500);
    expect((await noRules.json()) as { status: string; message: string }).toMatchObject({
      status: 'no-rules',
      message: expect.stringMatching(/Upload a valid rules file/),
    });
    await p.config.file(OBJECTS.rules).save('version: "a1"\nrules:\n  - prefix: "10LAB"\n    limits: { H: 10 }\n', { resumable: false });
    const ok = await fetch(sweep.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'succeeded', sites: 0 });
    expect((await fetch(sweep.url)).status).toBe(405);
  });

  it('serves the land bundle, which lands a real push body and an Eventarc CloudEvent', async () => {
    const [land, detect, notify] = await Promise.all(['land', 'detect', 'notify'].map((name) => serveBuilt({ name, source: dirOf(name), env: env() })));
    served.push(land!, detect!, notify!);

    // A push body exactly as Pub/Sub sends it (the google-cloudevents example), carrying a batch.
    const body = structuredClone(pushExample);
    body.message.data = json(batch('artifact-1', 'ART-1', [{ tag: '10LAB10CP001', ts: ago(1), value: 42, quality: 'good' }])).toString('base64');
    body.message.messageId = 'artifact-push-1';
    const res = await fetch(`${land!.url}${pushPath('test-project', p.names.topics.readings)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(204);

    // A structured CloudEvent, as Eventarc delivers one.
    const ce = messagePublished(json(batch('artifact-2', 'ART-1', [{ tag: '10LAB10CP002', ts: ago(1), value: 43, quality: 'good' }])), {
      messageId: 'artifact-ce-1',
      topic: p.names.topics.readings,
    });
    const res2 = await fetch(`${land!.url}/`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(ce) });
    expect(res2.status).toBe(204);

    const names = await objectNames(p.raw, 'readings/');
    expect(names.map((n) => n.split('/').at(-1))).toEqual(['artifact-1.ndjson.gz', 'artifact-2.ndjson.gz']);
    expect((await readGzipNdjson<{ value: number }>(p.raw, names[0]!)).map((r) => r.value)).toEqual([42]);
    // Its logs are Cloud Logging JSON lines on stdout.
    const line = await waitFor('the land log line', async () =>
      land!
        .output()
        .split('\n')
        .find((l) => l.includes('"messageId":"artifact-push-1"')),
    );
    expect(JSON.parse(line)).toMatchObject({
      severity: 'INFO',
      event: 'land.batch',
      outcome: 'landed',
      'logging.googleapis.com/labels': { function: 'land', environment: 'test' },
    });
  });

  it('stops at start, naming the variable, when a setting is missing', async () => {
    const { [ENV.rawBucket]: _dropped, ...rest } = env();
    const failed = await serveBuilt({ name: 'land', source: dirOf('land'), env: rest, readyTimeoutMs: 15_000 }).then(
      (s) => (served.push(s), 'started'),
      (e: Error) => e.message,
    );
    expect(failed).toMatch(/exited with code 1 before serving/);
    expect(failed).toContain('PLANTLAKE_RAW_BUCKET is not set');
  });
});
