// Reading a ReadingBatch off the wire: bytes → UTF-8 → JSON → schema → semantic checks. Every
// rejection has its own headline (oversize, not UTF-8, not JSON, not an object, invalid batch) and
// lists every problem with its path; land quarantines with that reason, detect skips the batch.
import {
  MAX_BATCH_BYTES,
  MAX_FUTURE_SKEW_MS,
  MAX_READINGS_PER_BATCH,
  ReadingBatch,
} from '../../schemas/reading-batch.ts';
import { parseKksCached } from './kks.ts';
import { inDocumentOrder, show, summarise, type Problem } from './problems.ts';
import { compileSchema, type FieldHints } from './schema-check.ts';
import { parseRfc3339, rfc3339Problem } from './time.ts';

export type BatchResult =
  | { readonly ok: true; readonly batch: ReadingBatch }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly Problem[] };

const timeHint = (value: unknown) =>
  `not an RFC 3339 time (got ${show(value)}); send e.g. "2024-05-01T12:00:00.000Z": date, "T", time, then "Z" or an offset like "+02:00"`;

const hints: FieldHints = {
  ts: timeHint,
  sentAt: timeHint,
  value: (value) =>
    typeof value === 'string'
      ? `${show(value)} is a string, not a number; send a finite JSON number, or null with quality "bad"`
      : typeof value === 'number'
        ? `${show(value)} is out of range (it overflows a 64-bit float); send a finite number`
        : `must be a finite number, or null with quality "bad" (got ${show(value)})`,
  quality: (value) => `${show(value)} is not an OPC UA quality; use "good", "uncertain" or "bad"`,
  batchId: (value) =>
    `${show(value)} is not a usable batch id (it names the raw object); use 1–128 characters from A–Z a–z 0–9 . _ : - starting with a letter or digit, and not with "compacted-" (reserved for compacted objects)`,
  site: (value) =>
    `${show(value)} is not a usable site name (it becomes a path segment); use 1–64 characters from A–Z a–z 0–9 . _ - starting with a letter or digit`,
  readings: (value, keyword) =>
    keyword === 'minItems'
      ? 'is empty; a batch needs at least one reading'
      : keyword === 'maxItems'
        ? `has ${(value as unknown[]).length} readings, above the limit of ${MAX_READINGS_PER_BATCH} per batch; split it into smaller batches`
        : `must be an array of readings (got ${show(value)})`,
  tag: (value) => `must be a KKS code such as "10LAB10CP001" (got ${show(value)})`,
};

// The hot path leaves the reading time's pattern to checkSemantics, which tests each distinct ts
// text once (a batch has a few) rather than once per reading; errors still come from the full schema.
const hotPath = JSON.parse(JSON.stringify(ReadingBatch)) as { properties: { readings: { items: { properties: { ts: { pattern?: string } } } } } };
delete hotPath.properties.readings.items.properties.ts.pattern;
const schema = compileSchema(ReadingBatch, hints, hotPath);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Per valid batch: normalised tag and epoch ms per reading, computed once during validation and
 * kept beside the batch object (batches are treated as immutable once parsed).
 */
export interface PreparedReadings {
  readonly tags: readonly string[];
  readonly times: Float64Array;
}
const prepared = new WeakMap<ReadingBatch, PreparedReadings>();

/** Parses a message body into a valid ReadingBatch, or says every reason it is not one. */
export function parseBatch(input: Uint8Array | string, now: Date): BatchResult {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: count exactly only near the limit.
  const size =
    typeof input !== 'string' ? input.byteLength : input.length * 3 <= MAX_BATCH_BYTES ? input.length : Buffer.byteLength(input, 'utf8');
  if (size > MAX_BATCH_BYTES) {
    return reject(`oversize: the batch is ${size} bytes, above Pub/Sub's 10 MB message limit (${MAX_BATCH_BYTES} bytes); split it into smaller batches`);
  }
  if (size === 0) return reject('empty message: it has no bytes; send one ReadingBatch as a JSON object');
  let text: string;
  try {
    text = typeof input === 'string' ? input : utf8.decode(input);
  } catch {
    return reject(`not UTF-8: ${firstBadByte(input as Uint8Array)}; encode the batch as UTF-8 JSON`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return reject(notJsonReason(text, error));
  }
  return validateBatch(value, now);
}

/** Checks an already-decoded JSON value (schema, then KKS, times and values). */
export function validateBatch(value: unknown, now: Date): BatchResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject(`not a ReadingBatch: the JSON is ${show(value)}, not an object; send one object with batchId, site, source, sentAt and readings`);
  }
  const shapeOk = schema.check(value);
  const semantic = checkSemantics(value as Partial<ReadingBatch>, now.getTime());
  if (shapeOk && semantic.problems.length === 0) {
    prepared.set(value, semantic.readings);
    return { ok: true, batch: value };
  }
  const problems = inDocumentOrder([...(shapeOk ? [] : schema.problems(value)), ...semantic.problems], 'readings');
  const { batchId, site } = value as { batchId?: unknown; site?: unknown };
  const which = typeof batchId === 'string' ? ` ${JSON.stringify(batchId)}${typeof site === 'string' ? ` from site ${site}` : ''}` : '';
  return { ok: false, reason: summarise(`invalid ReadingBatch${which}; fix these fields and resend`, problems), problems };
}

/** Normalised tags and epoch ms of a valid batch (from validation when it came through parseBatch). */
export function preparedReadings(batch: ReadingBatch): PreparedReadings {
  let result = prepared.get(batch);
  if (result === undefined) {
    const semantic = checkSemantics(batch, Number.POSITIVE_INFINITY);
    if (semantic.problems.length > 0) {
      throw new Error(`the batch was not validated: ${summarise('invalid ReadingBatch', semantic.problems)}; pass it through parseBatch first`);
    }
    result = semantic.readings;
    prepared.set(batch, result);
  }
  return result;
}

/**
 * What the schema cannot say: KKS grammar, real calendar dates, clock faults (a time more than
 * five minutes ahead of `now`), and null only with quality bad. Tolerates a malformed shape (the
 * schema reports that) so one pass finds every problem. Late data of any age is fine.
 */
function checkSemantics(batch: Partial<ReadingBatch>, nowMs: number): { problems: Problem[]; readings: PreparedReadings } {
  const problems: Problem[] = [];
  const readings = Array.isArray(batch.readings) ? batch.readings : [];
  const tags = new Array<string>(readings.length);
  const times = new Float64Array(readings.length);
  const latest = nowMs + MAX_FUTURE_SKEW_MS;
  if (typeof batch.sentAt === 'string') checkTime(batch.sentAt, 'sentAt', latest, nowMs, problems);
  let lastTs = '';
  let lastMs = NaN;
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i] as Partial<ReadingBatch['readings'][number]> | null;
    if (typeof reading !== 'object' || reading === null) continue;
    const { tag, ts, value, quality } = reading;
    if (typeof tag === 'string') {
      const kks = parseKksCached(tag);
      if (kks.ok) tags[i] = kks.kks.code;
      else problems.push({ path: `readings[${i}].tag`, reason: `${kks.reason}` });
    }
    if (typeof ts === 'string') {
      if (ts !== lastTs) {
        lastTs = ts;
        lastMs = checkTime(ts, `readings[${i}].ts`, latest, nowMs, problems);
      } else if (Number.isNaN(lastMs) || lastMs > latest) {
        checkTime(ts, `readings[${i}].ts`, latest, nowMs, problems);
      }
      times[i] = lastMs;
    }
    if (value === null && (quality === 'good' || quality === 'uncertain')) {
      problems.push({
        path: `readings[${i}].value`,
        reason: `null is allowed only with quality "bad" (this reading is "${quality}"); send the measured number, or quality "bad" when there is none`,
      });
    }
  }
  return { problems, readings: { tags, times } };
}

/** Epoch ms of a time field, pushing a problem when it is not RFC 3339, not a real date, or in the future. */
function checkTime(text: string, path: string, latest: number, nowMs: number, problems: Problem[]): number {
  const ms = parseRfc3339(text);
  if (Number.isNaN(ms)) {
    problems.push({
      path,
      reason:
        rfc3339Problem(text) === 'calendar'
          ? `not an RFC 3339 time: ${text.slice(0, 10)} is not a date in the calendar; send a real date`
          : timeHint(text), // the schema reports the same, first (except on the hot path)
    });
  } else if (ms > latest) {
    const minutes = ((ms - nowMs) / 60_000).toFixed(1);
    problems.push({
      path,
      reason: `${text} is ${minutes} minutes ahead of the receiving clock (limit ${MAX_FUTURE_SKEW_MS / 60_000} minutes); the gateway clock is wrong: fix its time sync (NTP) and resend`,
    });
  }
  return ms;
}

function reject(reason: string): BatchResult {
  return { ok: false, reason, problems: [{ path: '', reason }] };
}

function notJsonReason(text: string, error: unknown): string {
  // JSON has no NaN or Infinity; a gateway that prints them must send a number or null instead.
  const bare = /[:[,]\s*(-?Infinity|NaN)\s*[,}\]]/.exec(text);
  if (bare !== null) {
    return `not JSON: a bare ${bare[1]} is not a JSON value (JSON numbers are finite); send a finite number, or null with quality "bad"`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `not JSON: ${detail}; send one ReadingBatch as a JSON object`;
}

function firstBadByte(bytes: Uint8Array): string {
  const lossy = new TextDecoder('utf-8').decode(bytes);
  const index = lossy.indexOf('\uFFFD');
  const offset = index === -1 ? 0 : new TextEncoder().encode(lossy.slice(0, index)).byteLength;
  return `the bytes are not valid UTF-8 (first bad byte at offset ${offset}, 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')})`;
}
