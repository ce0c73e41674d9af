// land on the emulators, through its real wiring: batches published with the official client,
// pulled by the delivery bridge, POSTed as Pub/Sub push bodies to the Functions Framework server,
// written to the raw bucket. Checks rows, object metadata, idempotence, and the quarantine corpus.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topic } from '@google-cloud/pubsub';
import { pushBody, pushPath } from '../../../../local/delivery/push-body.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../../local/functions/pipeline.ts';
import { ago, batch, json, logCapture, objectNames, readGzipNdjson, testPipeline, waitFor, type TestPipeline } from '../support.ts';

describe('land on the emulators', () => {
  let p: TestPipeline;
  let fns: LocalFunctions;
  let topic: Topic;
  const logs = logCapture();

  beforeAll(async () => {
    p = await testPipeline('land');
    fns = await startLocalFunctions({ clients: p.clients, names: p.names, functions: ['land'], logSink: logs.sink, delivery: { log: () => {} } });
    topic = p.clients.pubsub.topic(p.names.topics.readings);
  });
  afterAll(() => fns?.stop());

  const landed = (messageId: string) =>
    waitFor(`land to finish message ${messageId}`, async () => logs.lines.find((l) => l.event === 'land.batch' && l.messageId === messageId));

  it('lands a batch as gzip NDJSON rows of the readings table, tag normalised, ts in UTC', async () => {
    const site = 'REF-01';
    const b = batch('b-rows-1', site, [
      { tag: '10LAB10CP001', ts: '2024-05-01T12:00:00Z', value: 182.4, quality: 'good', unit: 'bar' },
      { tag: '10 LAB10 CT001', ts: '2024-05-01T14:00:00.123+02:00', value: 81.2, quality: 'uncertain' },
      { tag: '=10LAB10CF001', ts: '2024-05-01T12:00:10.5Z', value: null, quality: 'bad' },
    ]);
    const id = await topic.publishMessage({ data: json(b), attributes: { site } });
    const line = await landed(id);
    expect(line).toMatchObject({ outcome: 'landed', batchId: 'b-rows-1', site, readings: 3, severity: 'INFO' });

    const name = `readings/dt=2024-05-01/site=${site}/b-rows-1.ndjson.gz`;
    expect(await objectNames(p.raw, 'readings/')).toEqual([name]);
    const [meta] = await p.raw.file(name).getMetadata();
    expect(meta).toMatchObject({ contentType: 'application/x-ndjson', contentEncoding: 'gzip' });
    const rows = await readGzipNdjson<Record<string, unknown>>(p.raw, name);
    const ingestedAt = rows[0]!.ingested_at as string;
    expect(Date.parse(ingestedAt)).toBeGreaterThan(Date.now() - 60_000);
    const base = { site, batch_id: 'b-rows-1', ingested_at: ingestedAt };
    expect(rows).toEqual([
      { ...base, tag: '10LAB10CP001', ts: '2024-05-01T12:00:00Z', value: 182.4, quality: 'good', unit: 'bar' },
      { ...base, tag: '10LAB10CT001', ts: '2024-05-01T12:00:00.123Z', value: 81.2, quality: 'uncertain', unit: null },
      { ...base, tag: '10LAB10CF001', ts: '2024-05-01T12:00:10.5Z', value: null, quality: 'bad', unit: null },
    ]);
  });

  it('lands a batch across midnight (UTC) as one object per day', async () => {
    const b = batch('b-midnight', 'REF-02', [
      { tag: '10LAB10CP001', ts: '2024-05-01T23:59:59.900Z', value: 1, quality: 'good' },
      { tag: '10LAB10CP001', ts: '2024-05-02T00:00:00.100Z', value: 2, quality: 'good' },
      { tag: '10LAB10CP002', ts: '2024-05-01T23:59:59Z', value: 3, quality: 'good' },
    ]);
    await landed(await topic.publishMessage({ data: json(b) }));
    const names = await objectNames(p.raw, 'readings/dt=2024-05-0');
    expect(names.filter((n) => n.includes('site=REF-02'))).toEqual([
      'readings/dt=2024-05-01/site=REF-02/b-midnight.ndjson.gz',
      'readings/dt=2024-05-02/site=REF-02/b-midnight.ndjson.gz',
    ]);
    const day1 = await readGzipNdjson<{ value: number }>(p.raw, 'readings/dt=2024-05-01/site=REF-02/b-midnight.ndjson.gz');
    const day2 = await readGzipNdjson<{ value: number }>(p.raw, 'readings/dt=2024-05-02/site=REF-02/b-midnight.ndjson.gz');
    expect(day1.map((r) => r.value)).toEqual([1, 3]);
    expect(day2.map((r) => r.value)).toEqual([2]);
  });

  it('lands a batch once when its message is delivered twice and when it is resent under a new message id', async () => {
    const b = batch('b-once', 'REF-03', [{ tag: '10LAB10CP001', ts: ago(1), value: 5, quality: 'good' }]);
    const data = json(b);
    const first = await topic.publishMessage({ data });
    await landed(first);
    const name = (await objectNames(p.raw, 'readings/')).find((n) => n.includes('site=REF-03'))!;
    expect(name).toMatch(/^readings\/dt=\d{4}-\d{2}-\d{2}\/site=REF-03\/b-once\.ndjson\.gz$/);
    const [before] = await p.raw.file(name).getMetadata();

    // The same message again, as Pub/Sub redelivers it (same id, same body), straight to the function.
    const res = await fetch(`${fns.urls.land}${pushPath(p.clients.target.projectId!, p.names.topics.readings)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        pushBody({ id: first, data, attributes: {}, publishTime: new Date(), deliveryAttempt: 2 }, `projects/x/subscriptions/${p.names.subscriptions.land}`),
      ),
    });
    expect(res.status).toBe(204);
    // The gateway resends the batch: a new message, the same batchId.
    const resent = await topic.publishMessage({ data });
    expect(resent).not.toBe(first);
    expect(await landed(resent)).toMatchObject({ outcome: 'already-landed', created: 0 });

    expect(logs.lines.filter((l) => l.messageId === first).map((l) => l.outcome)).toEqual(['landed', 'already-landed']);
    expect((await objectNames(p.raw, 'readings/')).filter((n) => n.includes('site=REF-03'))).toEqual([name]);
    const [after] = await p.raw.file(name).getMetadata();
    expect(after.generation).toBe(before.generation);
  });
});
