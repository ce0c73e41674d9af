// Hostile and real-world input through the real wiring (official publisher → delivery bridge →
// push body → Functions Framework → land → emulators): a huge invalid body, year-0000 clocks, a
// batch spanning years, a gateway whose batch counter restarts. Each ends in a landed reading or a
// quarantine record with its reason, never a retry; the valid batches around them land; and after
// the daily load every reading the rebooted gateway ever sent is in BigQuery.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topic } from '@google-cloud/pubsub';
import { createLogger } from '../../../../functions/adapters/log.ts';
import { MAX_PROBLEMS } from '../../../../functions/core/index.ts';
import { createContext } from '../../../../functions/daily/context.ts';
import { runDaily } from '../../../../functions/daily/run.ts';
import { startLocalFunctions, type LocalFunctions } from '../../../../local/functions/pipeline.ts';
import { ago, batch, json, logCapture, objectNames, readGzipNdjson, testPipeline, waitFor, type Reading, type TestPipeline } from '../support.ts';

describe('land on hostile input', () => {
  let p: TestPipeline;
  let fns: LocalFunctions;
  let topic: Topic;
  const logs = logCapture();

  beforeAll(async () => {
    p = await testPipeline('hostile');
    fns = await startLocalFunctions({ clients: p.clients, names: p.names, functions: ['land'], logSink: logs.sink, delivery: { log: () => {} } });
    topic = p.clients.pubsub.topic(p.names.topics.readings);
  });
  afterAll(() => fns?.stop());

  const finished = (messageId: string) =>
    waitFor(`land to finish message ${messageId}`, async () => logs.lines.find((l) => l.event === 'land.batch' && l.messageId === messageId), 60_000);
  const quarantineRecord = async (messageId: string) => {
    const line = await finished(messageId);
    expect(line.outcome).toBe('quarantined');
    const name = String(line.object).replace(`gs://${p.names.buckets.raw}/`, '');
    const [bytes] = await p.raw.file(name).download();
    return JSON.parse(bytes.toString('utf8')) as {
      reason: string;
      problems: { path: string; reason: string }[];
      payloadBase64: string;
      checkingStopped?: boolean;
    };
  };
  const good = (id: string, site: string) => batch(id, site, [{ tag: '10LAB10CP001', ts: ago(5), value: 1, quality: 'good' }]);

  it('quarantines hostile bodies with a bounded reason, never retries them, and lands the batches around them', async () => {
    const site = 'REF-H';
    const ts = ago(3);
    // 3 MB of 40,000 invalid readings (pstest caps a message at 4 MiB, README gaps).
    const invalid = Array.from({ length: 40_000 }, (_, i) => ({ tag: `bad tag ${i}`, ts: 'yesterday', value: 'high', quality: 'ok', note: 'x'.repeat(20) }));
    const year0 = batch('clock-0000', site, [
      { tag: '10LAB10CP001', ts, value: 1, quality: 'good' },
      { tag: '10LAB10CP002', ts: '0000-01-01T00:00:00+00:01', value: 2, quality: 'good' },
    ]);
    const years = batch(
      'backfill-years',
      site,
      Array.from({ length: 1_500 }, (_, i) => ({
        tag: '10LAB10CP001',
        ts: new Date(Date.UTC(2020, 0, 1 + i)).toISOString(),
        value: i,
        quality: 'good' as const,
      })),
    );
    const ids = {
      before: await topic.publishMessage({ data: json({ ...good('before', site), source: 'Werk Süd\u0007\r\nX-Goog-Meta-Evil: 1' }) }),
      invalid: await topic.publishMessage({ data: json({ batchId: 'huge', site, source: 'exporter', sentAt: ts, readings: invalid }) }),
      year0: await topic.publishMessage({ data: json(year0) }),
      zero: await topic.publishMessage({
        data: json(batch('clock-0000-z', site, [{ tag: '10LAB10CP001', ts: '0000-06-01T00:00:00Z', value: 3, quality: 'good' }])),
      }),
      years: await topic.publishMessage({ data: json(years) }),
      after: await topic.publishMessage({ data: json(good('after', site)) }),
    };

    const huge = await quarantineRecord(ids.invalid);
    expect(huge.problems).toHaveLength(MAX_PROBLEMS);
    expect(huge.problems[0]).toEqual({
      path: 'readings[0].note',
      reason: 'unknown field; remove it or correct its name (allowed: tag, ts, value, quality, unit)',
    });
    expect(huge.reason).toMatch(
      /^invalid ReadingBatch "huge" from site REF-H; fix these fields and resend \(\d+ problems, then checking stopped: .*\): .*; … and \d+ more$/,
    );
    expect(huge.reason.length).toBeLessThan(3_000);
    expect(huge.checkingStopped).toBe(true);
    expect(Buffer.from(huge.payloadBase64, 'base64').equals(json({ batchId: 'huge', site, source: 'exporter', sentAt: ts, readings: invalid }))).toBe(true);

    for (const id of [ids.year0, ids.zero]) {
      const record = await quarantineRecord(id);
      expect(record.problems).toHaveLength(1);
      expect(record.problems[0]!.path).toMatch(/^readings\[\d\]\.ts$/);
      expect(record.problems[0]!.reason).toMatch(/in UTC, before the oldest accepted time 1980-01-01T00:00:00\.000Z; the device clock is wrong/);
    }
    const span = await quarantineRecord(ids.years);
    expect(span.problems).toEqual([
      { path: 'readings', reason: expect.stringMatching(/^span 1500 UTC days \(2020-01-01 to 2024-02-08\), above the limit of 31 days per batch/) },
    ]);

    for (const id of [ids.before, ids.after]) expect((await finished(id)).outcome).toBe('landed');
    const beforeObject = String(((await finished(ids.before)).objects as string[])[0]).replace(`gs://${p.names.buckets.raw}/`, '');
    const [meta] = await p.raw.file(beforeObject).getMetadata();
    expect(meta.metadata?.source).toBe('Werk S?d???X-Goog-Meta-Evil: 1');
    const names = await objectNames(p.raw, 'readings/');
    expect(names.filter((n) => n.includes(`site=${site}/`)).map((n) => n.split('/').at(-1))).toEqual(['after.ndjson.gz', 'before.ndjson.gz']);
    // Not one retry: every message was answered on its first delivery.
    expect(logs.lines.filter((l) => l.event === 'land.batch' && l.outcome === 'retry')).toEqual([]);
  });

  it('lands every reading of a gateway that reboots and restarts its batch counter; an identical resend lands once', async () => {
    const site = 'REF-R';
    const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const base = Date.parse(`${day}T00:00:00Z`) + 60_000;
    const reading = (i: number): Reading => ({ tag: '10LAB10CP001', ts: new Date(base + i * 1000).toISOString(), value: i, quality: 'good' });
    // Before the reboot: batches gw-1..gw-3. After: the counter restarts, gw-1..gw-2 carry new readings.
    const before = [1, 2, 3].map((n) => batch(`gw-${n}`, site, [reading(n * 10), reading(n * 10 + 1)]));
    const after = [1, 2].map((n) => batch(`gw-${n}`, site, [reading(100 + n * 10), reading(100 + n * 10 + 1)]));
    const sent = [...before, ...after];
    for (const b of before) await finished(await topic.publishMessage({ data: json(b) }));
    const afterIds: string[] = [];
    for (const b of after) afterIds.push(await topic.publishMessage({ data: json(b) }));
    for (const id of afterIds) expect((await finished(id)).outcome).toBe('landed-beside-reused-id');
    // The gateway resends its second post-reboot batch (same bytes): already there.
    expect((await finished(await topic.publishMessage({ data: json(after[1]) }))).outcome).toBe('already-landed');
    expect(logs.where('event', 'land.batch-id-reused')).toHaveLength(2);

    const names = (await objectNames(p.raw, `readings/dt=${day}/site=${site}/`)).map((n) => n.split('/').at(-1)!);
    expect(names).toHaveLength(5);
    expect(names.filter((n) => /^gw-[12]~[0-9a-f]{16}\.ndjson\.gz$/.test(n))).toHaveLength(2);
    const landedRows = (await Promise.all(names.map((n) => readGzipNdjson<{ value: number }>(p.raw, `readings/dt=${day}/site=${site}/${n}`)))).flat();
    expect(landedRows.map((r) => r.value).sort((a, b) => a - b)).toEqual(sent.flatMap((b) => b.readings.map((r) => r.value)).sort((a, b) => a! - b!));

    // The daily load puts every reading the gateway ever sent into BigQuery.
    const dailyLog: string[] = [];
    const context = await createContext(
      p.clients,
      {
        rawBucket: p.names.buckets.raw,
        configBucket: p.names.buckets.config,
        dataset: p.names.dataset,
        coldlineAgeDays: 30,
        retentionDays: undefined,
        location: undefined,
        maxCompactedBytes: 64 << 20,
        concurrency: 4,
      },
      createLogger({ function: 'daily' }, (line) => dailyLog.push(line)),
      () => new Date(),
    );
    const report = await runDaily(context, { mode: 'rebuild', from: day, to: day, force: true, lifecycle: false });
    expect(report.status, dailyLog.join('\n')).toBe('succeeded');
    const [job] = await p.clients.bigquery.createQueryJob({
      query: `SELECT UNIX_MILLIS(ts) AS ts, value, batch_id FROM \`${p.names.dataset}.readings\` WHERE site = '${site}' AND ts >= TIMESTAMP('${day}') ORDER BY ts`,
    });
    const [rows] = await job.getQueryResults();
    const expected = sent.flatMap((b) => b.readings.map((r) => ({ ts: Date.parse(r.ts), value: r.value, batch_id: b.batchId }))).sort((a, b) => a.ts - b.ts);
    expect(rows.map((r: { ts: unknown; value: unknown; batch_id: unknown }) => ({ ts: Number(r.ts), value: Number(r.value), batch_id: r.batch_id }))).toEqual(
      expected,
    );
  });
});
