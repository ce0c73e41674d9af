// Telegraf's Pub/Sub JSON (outputs.cloud_pubsub, data_format "json") read as readings: the shapes
// it publishes (batched, one metric, base64, gzip), the mapping conventions, and per-metric problems.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeReadingsMessage, formatProblem, toQuality, type ReadingsMessage } from '../../../../functions/core/index.ts';

const now = new Date('2024-05-01T12:00:00Z');
const T = Date.parse('2024-05-01T11:59:00.250Z');
// What Telegraf's JSON serializer writes (keys sorted by Go's encoding/json), json_timestamp_units = "1ms".
const metric = (fields: Record<string, unknown>, tags: Record<string, string> = {}, timestamp: unknown = T, name = 'opcua') => ({
  fields,
  name,
  tags,
  timestamp,
});
const body = (...metrics: unknown[]) => Buffer.from(JSON.stringify({ metrics }));
const decode = (data: Uint8Array, attributes: Record<string, string> = { site: 'REF-01' }) => decodeReadingsMessage(data, attributes, now);
const ok = (r: ReadingsMessage) => {
  if (!r.ok) throw new Error(r.reason);
  return r;
};

describe('Telegraf messages on the readings topic', () => {
  it('maps a batched message: KKS from field names, site from the attribute, OPC UA quality, ms time', () => {
    const r = ok(
      decode(
        body(
          metric({ '10LAB10CP001': 182.5, Quality: 'The operation succeeded. StatusGood (0x0)' }, { id: 'ns=2;s=p1', host: 'edge-1' }),
          metric({ '10LAB10CT001': 81, Quality: 'StatusUncertainLastUsableValue (0x40900000)' }, { unit: 'degC' }, T + 1),
          metric({ '10LAB10CF001': 3, Quality: 'StatusBadNodeIDUnknown (0x80340000)' }, {}, T + 2),
        ),
      ),
    );
    expect(r.format).toBe('telegraf');
    expect(r.rejected).toEqual([]);
    expect(r.batches).toHaveLength(1);
    const [b] = r.batches;
    expect(b).toMatchObject({ site: 'REF-01', source: 'telegraf:edge-1', sentAt: '2024-05-01T11:59:00.252Z' });
    expect(b!.batchId).toMatch(/^telegraf-[0-9a-f]{40}$/);
    expect(b!.readings).toEqual([
      { tag: '10LAB10CP001', ts: '2024-05-01T11:59:00.250Z', value: 182.5, quality: 'good' },
      { tag: '10LAB10CT001', ts: '2024-05-01T11:59:00.251Z', value: 81, quality: 'uncertain', unit: 'degC' },
      { tag: '10LAB10CF001', ts: '2024-05-01T11:59:00.252Z', value: 3, quality: 'bad' },
    ]);
  });

  it('takes the KKS code from a kks tag, the site from a site tag, and splits sites into batches', () => {
    const r = ok(
      decode(
        body(
          metric({ value: 1.5, quality: 'good' }, { kks: '10 LAB10 CP001', site: 'REF-02' }, T, 'modbus'),
          metric({ temperature: 20 }, { kks: '10LAB10CT001' }, T, 'mqtt_consumer'),
        ),
      ),
    );
    expect(r.batches.map((b) => [b.site, b.readings.map((x) => x.tag)])).toEqual([
      ['REF-01', ['10LAB10CT001']],
      ['REF-02', ['10 LAB10 CP001']],
    ]);
  });

  it('gives the same batch id to the same metrics resent, and another to other content', () => {
    const m = [metric({ '10LAB10CP001': 1 }), metric({ '10LAB10CP001': 2 }, {}, T + 1000)];
    const id = (data: Uint8Array) => ok(decode(data)).batches[0]!.batchId;
    expect(id(body(...m))).toBe(id(body(...m)));
    expect(id(body(...m))).not.toBe(id(body(m[0])));
    expect(id(body(metric({ '10LAB10CP001': 1.0001 }), m[1]))).not.toBe(id(body(...m)));
  });

  it('reads one metric per message, base64 bodies and gzip bodies to the same readings', () => {
    const plain = Buffer.from(JSON.stringify(metric({ '10LAB10CP001': 7 })));
    const batched = body(metric({ '10LAB10CP001': 7 }));
    const readings = (data: Uint8Array) => ok(decode(data)).batches[0]!.readings;
    const expected = [{ tag: '10LAB10CP001', ts: '2024-05-01T11:59:00.250Z', value: 7, quality: 'good' }];
    expect(readings(plain)).toEqual(expected);
    expect(readings(batched)).toEqual(expected);
    const b64 = Buffer.from(batched.toString('base64'));
    expect(readings(b64)).toEqual(expected);
    expect(readings(gzipSync(batched))).toEqual(expected);
    // Telegraf's order: base64 first, then gzip.
    expect(readings(gzipSync(b64))).toEqual(expected);
  });

  it('reads epoch seconds, ms, µs and ns and RFC 3339 text, keeping milliseconds', () => {
    const ts = (timestamp: unknown) => ok(decode(body(metric({ '10LAB10CP001': 1 }, {}, timestamp)))).batches[0]!.readings[0]!.ts;
    expect(ts(1714564740)).toBe('2024-05-01T11:59:00.000Z');
    expect(ts(1714564740.25)).toBe('2024-05-01T11:59:00.250Z');
    expect(ts(1714564740250)).toBe('2024-05-01T11:59:00.250Z');
    expect(ts(1714564740250123)).toBe('2024-05-01T11:59:00.250Z');
    // biome-ignore lint/correctness/noPrecisionLoss: a nanosecond timestamp in Telegraf's JSON is a double that has lost these digits too
    expect(ts(1714564740250123456)).toBe('2024-05-01T11:59:00.250Z');
    expect(ts('2024-05-01T11:59:00.25Z')).toBe('2024-05-01T11:59:00.25Z');
  });

  it('turns booleans into 1/0 and collapses an exact repeat (a value polled twice) into one reading', () => {
    const r = ok(decode(body(metric({ '10LAB10AA001': true }), metric({ '10LAB10AA001': true }), metric({ '10LAB10AA002': false }))));
    expect(r.batches[0]!.readings.map((x) => [x.tag, x.value])).toEqual([
      ['10LAB10AA001', 1],
      ['10LAB10AA002', 0],
    ]);
  });

  it('leaves out a metric or field that cannot be mapped, naming the field, and keeps the rest', () => {
    const r = ok(
      decode(
        body(
          metric({ '10LAB10CP001': 1 }),
          metric({ pressure: 2 }),
          metric({ '10LAB10CP002': 'high' }),
          metric({ '10LAB10CP003': 3 }, {}, 'yesterday'),
          metric({ '10LAB10CP004': 4, Quality: 'weird' }),
          metric({ '10LAB10CP005': 5 }, {}, T + 3_600_000),
          metric({ '10XYZ': 6 }),
        ),
      ),
    );
    expect(r.batches[0]!.readings.map((x) => x.tag)).toEqual(['10LAB10CP001']);
    const problems = r.rejected.map(formatProblem);
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatch(/^metrics\[1\]\.fields\.pressure: field "pressure" of metric "opcua" is not a KKS code .*kks/);
    expect(problems[1]).toMatch(/^metrics\[2\]\.fields\["10LAB10CP002"\]: "high" is not a number/);
    expect(problems[2]).toMatch(/^metrics\[3\]\.timestamp: "yesterday" is not an RFC 3339 time/);
    expect(problems[3]).toMatch(/^metrics\[4\]\.fields\.Quality: "weird" is not a quality/);
    expect(problems.slice(4).join('\n')).toMatch(/metrics\[5\]\.timestamp: .* minutes ahead of the receiving clock/);
    expect(problems.slice(4).join('\n')).toMatch(/metrics\[6\]\.fields\["10XYZ"\]: /);
    expect(r.rejectedReason).toMatch(/^6 part\(s\) of a Telegraf message of 7 metric\(s\) could not be mapped/);
  });

  it('rejects a message with no site, no mappable metric, or a broken gzip body, saying what to do', () => {
    const noSite = decode(body(metric({ '10LAB10CP001': 1 })), {});
    expect(noSite.ok).toBe(false);
    if (!noSite.ok) expect(noSite.reason).toMatch(/metrics\[0\]\.tags\.site: .*has no site: add the attribute site/);
    const none = decode(body(metric({ a: 1 })));
    expect(none.ok || none.reason).toMatch(/^no reading in this Telegraf message could be mapped/);
    const broken = decode(gzipSync(body(metric({ '10LAB10CP001': 1 }))).subarray(0, 20));
    expect(broken.ok || broken.reason).toMatch(/^not a readable gzip body/);
    const bad = decode(Buffer.from('{"metrics": 5}'));
    expect(bad.ok || bad.reason).toMatch(/"metrics" is 5, not an array/);
  });

  it('leaves a ReadingBatch exactly as parseBatch reads it, errors included', () => {
    const batch = {
      batchId: 'b-1',
      site: 'REF-01',
      source: 'gw',
      sentAt: '2024-05-01T11:59:00Z',
      readings: [{ tag: '10LAB10CP001', ts: '2024-05-01T11:59:00Z', value: 1, quality: 'good' }],
    };
    const r = ok(decode(Buffer.from(JSON.stringify(batch)), {}));
    expect(r).toMatchObject({ format: 'reading-batch', batches: [batch], rejected: [] });
    const bad = decode(Buffer.from(JSON.stringify({ ...batch, site: 'a b' })));
    expect(bad).toMatchObject({ ok: false, format: 'reading-batch' });
    if (!bad.ok) expect(bad.reason).toMatch(/^invalid ReadingBatch "b-1"/);
  });

  it('maps OPC UA StatusCodes by severity', () => {
    expect([0, 0x40000000, 0x80000000, 0xc0000000, 'OK', 'Bad', '0x408F0000', 'x', 1.5].map(toQuality)).toEqual([
      'good',
      'uncertain',
      'bad',
      'bad',
      'good',
      'bad',
      'uncertain',
      undefined,
      undefined,
    ]);
  });
});
