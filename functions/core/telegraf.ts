// Telegraf's own Pub/Sub format, read natively: what `outputs.cloud_pubsub` with
// `data_format = "json"` publishes, as one batch (`send_batched = true`: {"metrics": [...]}) or
// one metric per message ({"fields", "name", "tags", "timestamp"}), optionally base64
// (`base64_data`) and/or gzip (`content_encoding = "gzip"`). Telegraf sets no attribute that says
// which, so the body is sniffed: gzip by its magic bytes, base64 by its alphabet (a JSON object
// always holds a `{`, which base64 never does). Mapping conventions (README "Connect a plant"):
//   KKS code  the metric's `kks` tag (value in field `value`, or its only field); otherwise every
//             field whose name is a KKS code is one reading (OPC UA node / Modbus register names)
//   site      the metric's `site` tag, else the message attribute `site`
//   quality   field or tag `quality`/`Quality`: good | uncertain | bad, or an OPC UA StatusCode
//             (a number, or Telegraf's opcua text "… (0x80340000)"); absent means good
//   time      `timestamp`: epoch number in s, ms, µs or ns (told apart by magnitude), or RFC 3339
//   unit      the metric's `unit` tag, optional
// A metric or field that cannot be mapped is reported with its path (`metrics[3].fields.x`) and
// left out; the rest becomes one ReadingBatch per site, validated like any other batch, with a
// batch id derived from its content so a resend lands once.
// https://github.com/influxdata/telegraf/tree/master/plugins/outputs/cloud_pubsub
// https://github.com/influxdata/telegraf/tree/master/plugins/serializers/json
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { MAX_READINGS_PER_BATCH, SITE_PATTERN, type Quality, type Reading, type ReadingBatch } from '../../schemas/reading-batch.ts';
import { parseKksCached } from './kks.ts';
import { joinPath, show, summarise, type Problem } from './problems.ts';
import { validateBatch } from './batch.ts';
import { DEFAULT_BATCH_LIMITS, type BatchLimits } from './batch-limits.ts';
import { parseRfc3339 } from './time.ts';

/** A gzip body may inflate to this much; more is refused rather than risk the function's memory. */
export const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

export type TelegrafResult =
  | { readonly ok: true; readonly batches: readonly ReadingBatch[]; readonly rejected: readonly Problem[]; readonly metrics: number }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly Problem[] };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SITE = new RegExp(SITE_PATTERN);
// Go's encoding/json writes map keys sorted, so Telegraf's JSON starts with one of these keys.
const TELEGRAF_START = /^\s*\{\s*"(?:metrics|fields|name|tags|timestamp)"\s*:/;
const QUALITY_NAMES = new Set(['quality', 'Quality']);
// Fields Telegraf's inputs add beside the value that are not readings (opcua's optional DataType).
const IGNORED_FIELDS = new Set(['DataType']);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Unwraps gzip and base64 when present. Returns the bytes to read as JSON, or a reason (a gzip
 * body that does not inflate, or inflates past the bound).
 */
export function unwrapBody(data: Uint8Array): { ok: true; bytes: Uint8Array; layers: string[] } | { ok: false; reason: string } {
  let bytes = data;
  const layers: string[] = [];
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
      layers.push('gzip');
    } catch (err) {
      const why = err instanceof RangeError ? `it inflates past ${MAX_INFLATED_BYTES} bytes` : (err as Error).message;
      return { ok: false, reason: `not a readable gzip body: ${why}; send a smaller batch (lower metric_batch_size) or an intact gzip stream` };
    }
  }
  if (looksBase64(bytes)) {
    // Telegraf encodes base64 first and compresses after, so base64 is the inner layer.
    bytes = Buffer.from(Buffer.from(bytes).toString('latin1'), 'base64');
    layers.push('base64');
  }
  return { ok: true, bytes, layers };
}

function looksBase64(bytes: Uint8Array): boolean {
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0 || bytes.byteLength > MAX_INFLATED_BYTES) return false;
  return BASE64.test(Buffer.from(bytes.subarray(0, Math.min(bytes.byteLength, 4096))).toString('latin1')) && BASE64.test(Buffer.from(bytes).toString('latin1'));
}

/** Whether these (unwrapped) bytes are Telegraf JSON rather than a ReadingBatch. */
export function isTelegrafJson(bytes: Uint8Array): boolean {
  return TELEGRAF_START.test(Buffer.from(bytes.subarray(0, 64)).toString('latin1'));
}

/** Maps one Telegraf JSON body (already unwrapped) to ReadingBatches, one per site. */
export function decodeTelegraf(
  bytes: Uint8Array,
  attributes: Readonly<Record<string, string>>,
  now: Date,
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): TelegrafResult {
  if (bytes.byteLength > MAX_INFLATED_BYTES)
    return fail(`oversize: the Telegraf message is ${bytes.byteLength} bytes, above ${MAX_INFLATED_BYTES}; lower metric_batch_size`);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (err) {
    return fail(`not Telegraf JSON: ${(err as Error).message}; set data_format = "json" in [[outputs.cloud_pubsub]]`);
  }
  const batched = isObj(value) && 'metrics' in value;
  const metrics = batched ? (value as Obj).metrics : [value];
  if (!Array.isArray(metrics)) return fail(`not Telegraf JSON: "metrics" is ${show(metrics)}, not an array of metrics`);
  if (metrics.length === 0) return fail('empty Telegraf batch: "metrics" holds no metric');
  const base = batched ? 'metrics' : '';

  const rejected: Problem[] = [];
  const bySite = new Map<string, { readings: Reading[]; paths: MappedPaths[]; keys: Set<string>; host?: string }>();
  metrics.forEach((metric, i) => {
    const path = batched ? joinPath(base, i) : '';
    const mapped = mapMetric(metric, path, attributes);
    if (!mapped.ok) return void rejected.push(...mapped.problems);
    rejected.push(...mapped.problems);
    let group = bySite.get(mapped.site);
    if (group === undefined) bySite.set(mapped.site, (group = { readings: [], paths: [], keys: new Set(), host: mapped.host }));
    for (const [k, reading] of mapped.readings.entries()) {
      const key = `${reading.tag}\u0000${reading.ts}\u0000${reading.value}\u0000${reading.quality}`;
      if (group.keys.has(key)) continue; // an exact repeat (a polled value read twice) is one reading
      group.keys.add(key);
      group.readings.push(reading);
      group.paths.push(mapped.paths[k]!);
    }
  });

  const batches: ReadingBatch[] = [];
  for (const [site, group] of [...bySite.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const built = buildBatch(site, group.readings, group.paths, group.host, now, limits);
    rejected.push(...built.problems);
    if (built.batch !== undefined) batches.push(built.batch);
  }
  if (batches.length === 0) {
    return {
      ok: false,
      reason: summarise('no reading in this Telegraf message could be mapped; fix these metrics (see README "Connect a plant")', rejected),
      problems: rejected,
    };
  }
  return { ok: true, batches, rejected, metrics: metrics.length };
}

interface MappedPaths {
  readonly tag: string;
  readonly ts: string;
  readonly value: string;
  readonly quality: string;
}

type MetricResult =
  | { ok: true; site: string; host: string | undefined; readings: Reading[]; paths: MappedPaths[]; problems: Problem[] }
  | { ok: false; problems: Problem[] };

function mapMetric(metric: unknown, path: string, attributes: Readonly<Record<string, string>>): MetricResult {
  const at = (...keys: string[]) => keys.reduce(joinPath, path);
  if (!isObj(metric)) return bad(path, `is ${show(metric)}, not a Telegraf metric {fields, name, tags, timestamp}`);
  const { fields, name } = metric;
  const tags = isObj(metric.tags) ? metric.tags : {};
  if (!isObj(fields)) return bad(at('fields'), `is ${show(fields)}; a Telegraf metric needs an object of fields`);
  const metricName = typeof name === 'string' ? name : '?';

  const site = str(tags.site) ?? attributes.site;
  if (site === undefined) {
    return bad(at('tags', 'site'), `metric "${metricName}" has no site: add the attribute site = "…" under [outputs.cloud_pubsub.attributes], or a site tag`);
  }
  if (!SITE.test(site))
    return bad(
      str(tags.site) !== undefined ? at('tags', 'site') : 'attributes.site',
      `${show(site)} is not a usable site name; use 1–64 characters from A–Z a–z 0–9 . _ - starting with a letter or digit`,
    );

  const time = metricTime(metric.timestamp);
  if (typeof time !== 'string') return bad(at('timestamp'), time.reason);

  const qualityName = [...QUALITY_NAMES].find((q) => q in fields);
  const qualityRaw = qualityName !== undefined ? fields[qualityName] : [...QUALITY_NAMES].map((q) => tags[q]).find((q) => q !== undefined);
  const qualityPath = qualityName !== undefined ? joinPath(at('fields'), qualityName) : at('tags', 'quality');
  const quality = qualityRaw === undefined ? 'good' : toQuality(qualityRaw);
  if (quality === undefined) {
    return bad(
      qualityPath,
      `${show(qualityRaw)} is not a quality; send "good", "uncertain", "bad" or an OPC UA StatusCode (a number or text ending in "(0x…)")`,
    );
  }
  const unit = str(tags.unit);
  const problems: Problem[] = [];
  const readings: Reading[] = [];
  const paths: MappedPaths[] = [];
  const push = (tag: string, tagPath: string, field: string) => {
    const valuePath = joinPath(at('fields'), field);
    const v = toValue(fields[field]);
    if (typeof v !== 'number') return void problems.push({ path: valuePath, reason: v.reason });
    readings.push({ tag, ts: time, value: v, quality, ...(unit !== undefined ? { unit } : {}) });
    paths.push({ tag: tagPath, ts: at('timestamp'), value: valuePath, quality: qualityPath });
  };

  const valueFields = Object.keys(fields).filter((f) => !QUALITY_NAMES.has(f) && !IGNORED_FIELDS.has(f));
  const kksTag = str(tags.kks);
  if (kksTag !== undefined) {
    const field = 'value' in fields ? 'value' : valueFields.length === 1 ? valueFields[0]! : undefined;
    if (field === undefined) {
      return bad(
        at('fields'),
        `metric "${metricName}" is tagged kks=${kksTag} but has ${valueFields.length} value fields (${valueFields.join(', ') || 'none'}); name the value field "value" or keep one field per metric`,
      );
    }
    push(kksTag, at('tags', 'kks'), field);
  } else {
    for (const field of valueFields) {
      if (parseKksCached(field).ok) push(field, joinPath(at('fields'), field), field);
      else {
        problems.push({
          path: joinPath(at('fields'), field),
          reason: `field "${field}" of metric "${metricName}" is not a KKS code and the metric has no kks tag; name the field by its KKS code (e.g. "10LAB10CP001") or add the tag kks = "…"`,
        });
      }
    }
  }
  return { ok: true, site, host: str(tags.host), readings, paths, problems };
}

/** Milliseconds-precision RFC 3339 of a Telegraf timestamp, or why it is unusable. */
function metricTime(ts: unknown): string | { reason: string } {
  if (typeof ts === 'string') {
    return Number.isNaN(parseRfc3339(ts)) ? { reason: `${show(ts)} is not an RFC 3339 time; set json_timestamp_units = "1ms" for epoch milliseconds` } : ts;
  }
  if (typeof ts !== 'number' || !Number.isFinite(ts) || ts <= 0) {
    return { reason: `must be an epoch number (got ${show(ts)}); set json_timestamp_units = "1ms" in [[outputs.cloud_pubsub]]` };
  }
  // Epoch seconds stay below 1e11 until the year 5138; ms below 1e14, µs below 1e17.
  const ms = ts < 1e11 ? ts * 1000 : ts < 1e14 ? ts : ts < 1e17 ? ts / 1e3 : ts / 1e6;
  const date = new Date(Math.floor(ms));
  if (Number.isNaN(date.getTime())) return { reason: `${ts} is not a representable time` };
  return date.toISOString();
}

/** OPC UA severity (OPC 10000-4 §7.39): the top two bits of a StatusCode, 00 good, 01 uncertain, 1x bad. */
export function toQuality(q: unknown): Quality | undefined {
  if (typeof q === 'number' && Number.isInteger(q) && q >= 0 && q <= 0xffffffff) return severity(q);
  if (typeof q !== 'string') return undefined;
  const text = q.trim().toLowerCase();
  if (text === 'good' || text === 'uncertain' || text === 'bad') return text;
  if (text === 'ok') return 'good';
  const hex = /\(0x([0-9a-f]{1,8})\)\s*$/.exec(text) ?? /^0x([0-9a-f]{1,8})$/.exec(text);
  return hex !== null ? severity(Number.parseInt(hex[1]!, 16)) : undefined;
}

function severity(code: number): Quality {
  const bits = (code >>> 30) & 3;
  return bits === 0 ? 'good' : bits === 1 ? 'uncertain' : 'bad';
}

function toValue(v: unknown): number | { reason: string } {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0; // coils and digital inputs
  return {
    reason: `${show(v)} is not a number; readings carry numbers (booleans become 1/0): convert it in Telegraf (processors.converter) or drop the field (fieldexclude)`,
  };
}

function buildBatch(
  site: string,
  readings: Reading[],
  paths: MappedPaths[],
  host: string | undefined,
  now: Date,
  limits: BatchLimits,
): { batch?: ReadingBatch; problems: Problem[] } {
  const problems: Problem[] = [];
  if (readings.length === 0) return { problems };
  if (readings.length > MAX_READINGS_PER_BATCH) {
    return {
      problems: [{ path: '', reason: `site ${site}: ${readings.length} readings in one message, above ${MAX_READINGS_PER_BATCH}; lower metric_batch_size` }],
    };
  }
  const first = candidate(site, readings, host, now);
  const checked = validateBatch(first, now, limits);
  if (checked.ok) return { batch: checked.batch, problems };
  // Re-root each problem from the built batch (`readings[i].ts`) to the metric it came from.
  const bad = new Set<number>();
  for (const p of checked.problems) {
    const m = /^readings\[(\d+)\]\.(tag|ts|value|quality)/.exec(p.path);
    if (m === null) return { problems: [...problems, { path: '', reason: `site ${site}: ${p.reason}` }] };
    bad.add(Number(m[1]));
    problems.push({ path: paths[Number(m[1])]![m[2] as keyof MappedPaths], reason: p.reason });
  }
  const kept = readings.filter((_, i) => !bad.has(i));
  if (kept.length === 0) return { problems };
  const second = validateBatch(candidate(site, kept, host, now), now, limits);
  return second.ok ? { batch: second.batch, problems } : { problems: [...problems, ...second.problems] };
}

/** The batch id hashes the site and every reading, so the same metrics resent give the same id. */
function candidate(site: string, readings: Reading[], host: string | undefined, now: Date): ReadingBatch {
  const hash = createHash('sha256').update(site);
  let latest = 0;
  for (const r of readings) {
    hash.update(`\n${r.tag}\t${r.ts}\t${r.value}\t${r.quality}\t${r.unit ?? ''}`);
    latest = Math.max(latest, Date.parse(r.ts) || 0);
  }
  return {
    batchId: `telegraf-${hash.digest('hex').slice(0, 40)}`,
    site,
    source: host !== undefined ? `telegraf:${host}`.slice(0, 128) : 'telegraf',
    sentAt: new Date(Math.min(latest, now.getTime())).toISOString(),
    readings,
  };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function bad(path: string, reason: string): MetricResult {
  return { ok: false, problems: [{ path, reason }] };
}

function fail(reason: string): TelegrafResult {
  return { ok: false, reason, problems: [{ path: '', reason }] };
}
