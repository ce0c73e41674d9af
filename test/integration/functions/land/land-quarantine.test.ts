// Bad input never blocks good input: a corpus of invalid messages, published between valid
// batches, each ends in quarantine with its own reason and its exact bytes, and is acked; the
// valid batches land. Through the delivery bridge and the Functions Framework's push handling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topic } from '@google-cloud/pubsub';
import { pushPath } from '../../../../local/delivery/push-body.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../../local/functions/pipeline.ts';
import { ago, batch, json, logCapture, objectNames, testPipeline, waitFor, type TestPipeline } from '../support.ts';

interface Bad {
  readonly name: string;
  readonly data: Buffer;
  readonly reason: RegExp;
}

const ts = ago(2);
const valid = (i: number) => batch(`good-${i}`, 'REF-Q', [{ tag: '10LAB10CP001', ts: ago(3 - i), value: i, quality: 'good' }]);
const withReadings = (readings: unknown) => ({ batchId: 'bad-1', site: 'REF-Q', source: 'test', sentAt: ts, readings });
const raw = (s: string) => Buffer.from(s, 'utf8');

const corpus: Bad[] = [
  { name: 'not JSON', data: raw('{"batchId": "x",'), reason: /^not JSON: .*send one ReadingBatch as a JSON object/ },
  { name: 'JSON of the wrong shape (array)', data: raw('[1,2,3]'), reason: /^not a ReadingBatch: the JSON is an array/ },
  { name: 'JSON of the wrong shape (object)', data: json({ hello: 'plant' }), reason: /batchId: missing; this field is required.*hello: unknown field/ },
  {
    name: 'wrong types',
    data: json(withReadings([{ tag: '10LAB10CP001', ts, value: '12.5', quality: 'good' }])),
    reason: /readings\[0\]\.value: "12\.5" is a string, not a number/,
  },
  {
    name: 'NaN as a string',
    data: json(withReadings([{ tag: '10LAB10CP001', ts, value: 'NaN', quality: 'good' }])),
    reason: /readings\[0\]\.value: "NaN" is a string, not a number/,
  },
  {
    name: 'bare NaN',
    data: raw(`{"batchId":"b","site":"REF-Q","source":"t","sentAt":"${ts}","readings":[{"tag":"10LAB10CP001","ts":"${ts}","value":NaN,"quality":"good"}]}`),
    reason: /^not JSON: a bare NaN is not a JSON value/,
  },
  {
    name: 'an infinite value (1e999)',
    data: raw(`{"batchId":"b","site":"REF-Q","source":"t","sentAt":"${ts}","readings":[{"tag":"10LAB10CP001","ts":"${ts}","value":1e999,"quality":"good"}]}`),
    reason: /readings\[0\]\.value: Infinity is out of range/,
  },
  { name: 'an empty batch', data: json(withReadings([])), reason: /readings: is empty; a batch needs at least one reading/ },
  {
    name: 'a timestamp years in the future',
    data: json(withReadings([{ tag: '10LAB10CP001', ts: '2031-01-01T00:00:00Z', value: 1, quality: 'good' }])),
    reason: /readings\[0\]\.ts: 2031-01-01T00:00:00Z is [\d.]+ minutes ahead of the receiving clock.*fix its time sync \(NTP\)/,
  },
  {
    name: 'an invalid KKS code',
    data: json(withReadings([{ tag: 'PUMP-7', ts, value: 1, quality: 'good' }])),
    reason: /readings\[0\]\.tag: "PUMP-7" is not a KKS code/,
  },
  {
    // Over the readings limit; stays under pstest's 4 MiB gRPC message cap (see README gaps).
    name: 'an oversized batch (50,001 readings)',
    data: json(withReadings(Array.from({ length: 50_001 }, (_, i) => ({ tag: '1LAB10', ts, value: i % 10, quality: 'good' })))),
    // Counted by the scan before JSON.parse (functions/core/body-scan.ts).
    reason: /readings: has more than 50000 readings, the limit per batch; split it into smaller batches/,
  },
  { name: 'bytes that are not UTF-8', data: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), reason: /^not UTF-8: .*first bad byte at offset 2, 0xff/ },
  { name: 'an empty message (attributes only)', data: Buffer.alloc(0), reason: /^empty message: it has no bytes/ },
];

describe('land quarantines bad input and lands the good input around it', () => {
  let p: TestPipeline;
  let fns: LocalFunctions;
  let topic: Topic;
  const logs = logCapture();

  beforeAll(async () => {
    p = await testPipeline('landq');
    fns = await startLocalFunctions({ clients: p.clients, names: p.names, functions: ['land'], logSink: logs.sink, delivery: { log: () => {} } });
    topic = p.clients.pubsub.topic(p.names.topics.readings);
  });
  afterAll(() => fns?.stop());

  it('quarantines each bad message with its own reason and its exact bytes; the valid batches land', async () => {
    const published: { bad: Bad; id: string }[] = [];
    const good: string[] = [];
    good.push(await topic.publishMessage({ data: json(valid(0)) }));
    for (const [i, bad] of corpus.entries()) {
      published.push({ bad, id: await topic.publishMessage({ data: bad.data, attributes: { case: bad.name } }) });
      if (i === 5) good.push(await topic.publishMessage({ data: json(valid(1)) }));
    }
    good.push(await topic.publishMessage({ data: json(valid(2)) }));

    const done = await waitFor(
      'every message handled',
      async () => {
        const handled = logs.lines.filter((l) => l.event === 'land.batch');
        return handled.length >= corpus.length + good.length ? handled : undefined;
      },
      30_000,
    );
    expect(
      done
        .filter((l) => l.outcome === 'landed')
        .map((l) => l.messageId)
        .sort(),
    ).toEqual([...good].sort());
    expect(await objectNames(p.raw, 'readings/')).toHaveLength(3);

    const quarantined = await objectNames(p.raw, 'quarantine/');
    expect(quarantined).toHaveLength(corpus.length);
    for (const { bad, id } of published) {
      const name = quarantined.find((n) => n.endsWith(`/${id}.json`));
      expect(name, bad.name).toMatch(/^quarantine\/dt=\d{4}-\d{2}-\d{2}\/[^/]+\.json$/);
      const line = done.find((l) => l.messageId === id);
      expect(line, bad.name).toMatchObject({ outcome: 'quarantined', bytes: bad.data.byteLength });
      expect(line!.reason, bad.name).toMatch(bad.reason);
      // Multi-megabyte records trip a listener warning in the storage client's stream download; the
      // log line and the size say enough for those.
      if (bad.data.byteLength > 1_000_000) {
        expect(Number((await p.raw.file(name!).getMetadata())[0].size)).toBeGreaterThan((bad.data.byteLength * 4) / 3);
        continue;
      }
      const [bytes] = await p.raw.file(name!).download();
      const record = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      expect(record.reason, bad.name).toMatch(bad.reason);
      expect(record, bad.name).toMatchObject({ messageId: id, attributes: { case: bad.name }, function: 'land', payloadBytes: bad.data.byteLength });
      expect(Buffer.from(record.payloadBase64 as string, 'base64').equals(bad.data), bad.name).toBe(true);
      expect((record.problems as unknown[]).length, bad.name).toBeGreaterThan(0);
    }
    // Acked, not retried: one delivery each, nothing failed.
    expect(fns.deliveries.land!.stats.failed).toBe(0);
    expect(done.filter((l) => l.outcome === 'quarantined').every((l) => l.severity === 'WARNING')).toBe(true);
  });

  it('quarantines a body above the 10 MB message limit and an event that is no Pub/Sub message at all', async () => {
    // Pub/Sub cannot carry these (and pstest caps messages at 4 MiB), so they are POSTed straight
    // to the function, as a misconfigured push subscription or a hand-made request would.
    const url = `${fns.urls.land}${pushPath(p.clients.target.projectId!, p.names.topics.readings)}`;
    const huge = Buffer.alloc(10_000_001, 0x20);
    const post = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res1 = await post({
      message: { data: huge.toString('base64'), messageId: 'huge-1', publishTime: new Date().toISOString() },
      subscription: 'projects/x/subscriptions/y',
    });
    expect(res1.status).toBe(204);
    const res2 = await post({ hello: 'plant' });
    expect(res2.status).toBe(204);

    const names = await objectNames(p.raw, 'quarantine/');
    const hugeName = names.find((n) => n.endsWith('/huge-1.json'));
    expect(hugeName).toBeDefined();
    // The record holds the 10 MB body base64: check its size, and the reason from the log line.
    const [meta] = await p.raw.file(hugeName!).getMetadata();
    expect(Number(meta.size)).toBeGreaterThan(13_000_000);
    const line = logs.lines.find((l) => l.messageId === 'huge-1');
    expect(line).toMatchObject({ outcome: 'quarantined', bytes: 10_000_001 });
    expect(line!.reason).toMatch(/^oversize: the batch is 10000001 bytes, above Pub\/Sub's 10 MB message limit/);
    const notPubSub = logs.lines.find((l) => l.event === 'land.batch' && typeof l.reason === 'string' && l.reason.startsWith('not a Pub/Sub message event'));
    expect(notPubSub).toMatchObject({ outcome: 'quarantined' });
    expect(names.some((n) => /\/[0-9a-f]{64}\.json$/.test(n))).toBe(true);
  });
});
