// Reading a ReadingBatch off the wire: bytes → UTF-8 → JSON → cheap shape checks → schema →
// semantic checks. Every rejection has its own headline (oversize, not UTF-8, not JSON, not an
// object, invalid batch) and lists its problems with their paths, at most MAX_PROBLEMS of them plus
// how many more: a hostile body costs about one JSON.parse, not one object per problem
// (bench/hostile.bench.ts). land quarantines with that reason, detect skips the batch. Any decoded
// batch (ReadingBatch JSON or another envelope) goes through validateBatch.
import { MAX_BATCH_BYTES, MAX_READINGS_PER_BATCH, ReadingBatch } from '../../schemas/reading-batch.ts';
import { BATCH_LIMIT_ENV, DEFAULT_BATCH_LIMITS, MAX_PROBLEMS, type BatchLimits } from './batch-limits.ts';
import { fastReadings } from './batch-fast-path.ts';
import { scanBody, type BodyCounts } from './body-scan.ts';
import { parseKksCached } from './kks.ts';
import { inDocumentOrder, show, summarise, type Problem } from './problems.ts';
import { compileSchema, type FieldHints } from './schema-check.ts';
import { isoMs, parseRfc3339, rfc3339Problem, utcDay } from './time.ts';

export type BatchResult =
  | { readonly ok: true; readonly batch: ReadingBatch }
  | {
      readonly ok: false;
      readonly reason: string;
      /** At most MAX_PROBLEMS, in document order. */
      readonly problems: readonly Problem[];
      /** Problems found beyond those listed. */
      readonly omitted: number;
      /** True when checking stopped at MAX_PROBLEMS: later readings were not looked at. */
      readonly stopped: boolean;
    };

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
// For the reasons of an invalid batch: the batch without its readings' items, then each reading on
// its own, so collecting stops after MAX_PROBLEMS however many readings are bad.
const shell = JSON.parse(JSON.stringify(ReadingBatch)) as { properties: { readings: { items?: unknown } } };
delete shell.properties.readings.items;
const shellCheck = compileSchema(shell as unknown as typeof ReadingBatch, hints);
const readingCheck = compileSchema(ReadingBatch.properties.readings.items, hints);
/** A reading has at most these fields, a batch these: a body with many more is rejected before ajv lists each one. */
const MAX_READING_FIELDS = Object.keys(ReadingBatch.properties.readings.items.properties).length;
const MAX_BATCH_FIELDS = Object.keys(ReadingBatch.properties).length;
const SCAN_BOUNDS: BodyCounts = { fields: MAX_BATCH_FIELDS * 4, readings: MAX_READINGS_PER_BATCH, readingFields: MAX_READING_FIELDS * 4 };
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
export function parseBatch(input: Uint8Array | string, now: Date, limits: BatchLimits = DEFAULT_BATCH_LIMITS): BatchResult {
  // A UTF-16 code unit takes at most 3 UTF-8 bytes: count exactly only near the limit.
  const size = typeof input !== 'string' ? input.byteLength : input.length * 3 <= MAX_BATCH_BYTES ? input.length : Buffer.byteLength(input, 'utf8');
  if (size > MAX_BATCH_BYTES) {
    return reject(`oversize: the batch is ${size} bytes, above Pub/Sub's 10 MB message limit (${MAX_BATCH_BYTES} bytes); split it into smaller batches`);
  }
  if (size === 0) return reject('empty message: it has no bytes; send one ReadingBatch as a JSON object');
  if (typeof input !== 'string' && input.byteLength >= SCAN_FROM_BYTES) {
    const over = overBounds(scanBody(input, SCAN_BOUNDS));
    if (over !== undefined)
      return { ok: false, reason: summarise('invalid ReadingBatch; fix these fields and resend', [over]), problems: [over], omitted: 0, stopped: false };
  }
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
  return validateBatch(value, now, limits);
}

/** Bodies from this size on are scanned for their counts before JSON.parse (body-scan.ts). */
const SCAN_FROM_BYTES = 1_000_000;

/** The first count of a scanned body that is past its bound, as a problem. */
function overBounds(counts: BodyCounts): Problem | undefined {
  if (counts.fields > MAX_BATCH_FIELDS * 4) {
    return {
      path: '',
      reason: `has more than ${MAX_BATCH_FIELDS * 4} fields; a ReadingBatch has ${MAX_BATCH_FIELDS} (batchId, site, source, sentAt, readings)`,
    };
  }
  if (counts.readings > MAX_READINGS_PER_BATCH) {
    return { path: 'readings', reason: `has more than ${MAX_READINGS_PER_BATCH} readings, the limit per batch; split it into smaller batches` };
  }
  if (counts.readingFields > MAX_READING_FIELDS * 4) {
    return {
      path: 'readings',
      reason: `a reading has more than ${MAX_READING_FIELDS * 4} fields; a reading has at most ${MAX_READING_FIELDS} (tag, ts, value, quality, unit)`,
    };
  }
  return undefined;
}

/**
 * Checks an already-decoded JSON value: cheap checks first (top-level shape, field and reading
 * counts), then the schema, KKS, times and values, then the UTC days the batch touches.
 */
export function validateBatch(value: unknown, now: Date, limits: BatchLimits = DEFAULT_BATCH_LIMITS): BatchResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject(`not a ReadingBatch: the JSON is ${show(value)}, not an object; send one object with batchId, site, source, sentAt and readings`);
  }
  const { batchId, site, readings } = value as { batchId?: unknown; site?: unknown; readings?: unknown };
  const which =
    typeof batchId === 'string' ? ` ${JSON.stringify(batchId.slice(0, 128))}${typeof site === 'string' ? ` from site ${site.slice(0, 64)}` : ''}` : '';
  const invalid = (problems: readonly Problem[], omitted: number, stopped = false): BatchResult => ({
    ok: false,
    reason: summarise(`invalid ReadingBatch${which}; fix these fields and resend`, problems, { omitted, stopped }),
    problems,
    omitted,
    stopped,
  });
  const fields = countFields(value, MAX_BATCH_FIELDS * 4);
  if (fields > MAX_BATCH_FIELDS * 4) {
    return invalid(
      [{ path: '', reason: `has more than ${MAX_BATCH_FIELDS * 4} fields; a ReadingBatch has ${MAX_BATCH_FIELDS} (batchId, site, source, sentAt, readings)` }],
      0,
    );
  }
  if (Array.isArray(readings) && readings.length > MAX_READINGS_PER_BATCH) {
    return invalid([{ path: 'readings', reason: hints.readings!(readings, 'maxItems')! }], 0);
  }
  const nowMs = now.getTime();
  const fast = fastPath(value, nowMs, limits);
  const semantic = fast === null ? checkSemantics(value as Partial<ReadingBatch>, nowMs, limits) : { problems: [], stopped: false, readings: fast };
  const shapeOk = fast !== null || schema.check(value);
  if (shapeOk && semantic.problems.length === 0) {
    const span = daySpan(semantic.readings.times);
    if (span.days > limits.maxDaysPerBatch) {
      return invalid(
        [
          {
            path: 'readings',
            reason:
              `span ${span.days} UTC days (${span.first} to ${span.last}), above the limit of ${limits.maxDaysPerBatch} days per batch ` +
              `(each day is a raw object and a daily load); send a back-fill as batches of fewer days, or raise ${BATCH_LIMIT_ENV.maxDaysPerBatch}`,
          },
        ],
        0,
      );
    }
    const batch = value as ReadingBatch; // checked by one of the two paths
    prepared.set(batch, semantic.readings);
    return { ok: true, batch };
  }
  const found = shapeOk ? { problems: [], stopped: false } : schemaProblems(value);
  const all = inDocumentOrder([...found.problems, ...semantic.problems], 'readings');
  const problems = all.slice(0, MAX_PROBLEMS);
  return invalid(problems, all.length - problems.length, found.stopped || semantic.stopped);
}

/**
 * A valid batch's readings by the fast path (batch-fast-path.ts), or null: then the thorough path
 * decides. Exported, like thoroughPath, for the tests that hold the two to the same verdicts.
 */
export function fastPath(value: object, nowMs: number, limits: BatchLimits): PreparedReadings | null {
  if (!shellCheck.check(value)) return null;
  const latest = nowMs + limits.maxFutureSkewMs;
  const sentAt = parseRfc3339(value.sentAt); // its pattern is checked by the shell; its clock-ahead check is here
  if (!(sentAt <= latest)) return null;
  return fastReadings(value.readings, latest, limits.oldestMs);
}

/** A valid batch's readings by the schema and the semantic checks, or null. */
export function thoroughPath(value: object, nowMs: number, limits: BatchLimits): PreparedReadings | null {
  const semantic = checkSemantics(value as Partial<ReadingBatch>, nowMs, limits);
  return schema.check(value) && semantic.problems.length === 0 ? semantic.readings : null;
}

/** Schema problems of the batch shell, then of each reading, stopping at MAX_PROBLEMS. */
function schemaProblems(value: object): { problems: Problem[]; stopped: boolean } {
  const problems = shellCheck.problems(value);
  const readings = (value as { readings?: unknown }).readings;
  if (!Array.isArray(readings)) return { problems, stopped: false };
  for (let i = 0; i < readings.length; i++) {
    const reading: unknown = readings[i];
    if (readingCheck.check(reading)) continue;
    if (problems.length >= MAX_PROBLEMS) return { problems, stopped: true };
    const base = `readings[${i}]`;
    if (typeof reading === 'object' && reading !== null && !Array.isArray(reading) && countFields(reading, MAX_READING_FIELDS * 4) > MAX_READING_FIELDS * 4) {
      problems.push({
        path: base,
        reason: `has more than ${MAX_READING_FIELDS * 4} fields; a reading has at most ${MAX_READING_FIELDS} (tag, ts, value, quality, unit)`,
      });
      continue;
    }
    for (const p of readingCheck.problems(reading)) {
      problems.push({ path: p.path === '' ? base : p.path.startsWith('[') ? `${base}${p.path}` : `${base}.${p.path}`, reason: p.reason });
    }
  }
  return { problems, stopped: false };
}

/** Own enumerable fields of an object, counting stops past `max`. */
function countFields(value: object, max: number): number {
  let n = 0;
  for (const key in value) {
    if (Object.hasOwn(value, key) && ++n > max) break;
  }
  return n;
}

/** How many distinct UTC days the times touch, and the first and last. */
function daySpan(times: Float64Array): { days: number; first: string; last: string } {
  const days = new Set<number>();
  let min = Infinity;
  let max = -Infinity;
  let lastDay = NaN;
  for (let i = 0; i < times.length; i++) {
    const ms = times[i]!;
    const day = Math.floor(ms / 86_400_000);
    if (day !== lastDay) days.add((lastDay = day)); // readings run in time order mostly: one add per run of a day
    if (ms < min) min = ms;
    if (ms > max) max = ms;
  }
  return { days: days.size, first: utcDay(min), last: utcDay(max) };
}

/** Normalised tags and epoch ms of a valid batch (from validation when it came through parseBatch). */
export function preparedReadings(batch: ReadingBatch): PreparedReadings {
  let result = prepared.get(batch);
  if (result === undefined) {
    const semantic = checkSemantics(batch, 0, UNBOUNDED);
    if (semantic.problems.length > 0) {
      throw new Error(`the batch was not validated: ${summarise('invalid ReadingBatch', semantic.problems)}; pass it through parseBatch first`);
    }
    result = semantic.readings;
    prepared.set(batch, result);
  }
  return result;
}

/** Limits that accept any representable time (preparedReadings of a batch built in code). */
const UNBOUNDED: BatchLimits = { oldestMs: -Infinity, maxFutureSkewMs: Infinity, maxDaysPerBatch: Infinity };

/** Problems up to MAX_PROBLEMS; the checks stop once it is full (no reason text is built in vain). */
class ProblemList {
  readonly list: Problem[] = [];
  push(problem: Problem): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(problem);
  }
  get full(): boolean {
    return this.list.length >= MAX_PROBLEMS;
  }
}

/**
 * What the schema cannot say: KKS grammar, real calendar dates, clock faults (a time more than
 * five minutes ahead of `now`, or before the oldest accepted time), and null only with quality
 * bad. Tolerates a malformed shape (the schema reports that) so one pass finds the problems.
 * Late data back to the oldest accepted time is fine.
 */
function checkSemantics(
  batch: Partial<ReadingBatch>,
  nowMs: number,
  limits: BatchLimits,
): { problems: Problem[]; stopped: boolean; readings: PreparedReadings } {
  const problems = new ProblemList();
  const readings = Array.isArray(batch.readings) ? batch.readings : [];
  const tags = new Array<string>(readings.length);
  const times = new Float64Array(readings.length);
  const latest = nowMs + limits.maxFutureSkewMs;
  const oldest = -Infinity; // sentAt is not stored: only its clock-ahead check applies
  if (typeof batch.sentAt === 'string') checkTime(batch.sentAt, 'sentAt', { latest, oldest, nowMs }, problems);
  const range = { latest, oldest: limits.oldestMs, nowMs };
  let lastTs = '';
  let lastMs = NaN;
  let stopped = false;
  for (let i = 0; i < readings.length; i++) {
    if (problems.full) {
      stopped = i < readings.length;
      break;
    }
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
        lastMs = checkTime(ts, `readings[${i}].ts`, range, problems);
      } else if (Number.isNaN(lastMs) || lastMs > latest || lastMs < range.oldest) {
        checkTime(ts, `readings[${i}].ts`, range, problems);
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
  return { problems: problems.list, stopped, readings: { tags, times } };
}

interface TimeRange {
  readonly latest: number;
  readonly oldest: number;
  readonly nowMs: number;
}

/** Epoch ms of a time field, pushing a problem when it is not RFC 3339, not a real date, too far ahead or too old. */
function checkTime(text: string, path: string, { latest, oldest, nowMs }: TimeRange, problems: ProblemList): number {
  const ms = parseRfc3339(text);
  if (Number.isNaN(ms)) {
    problems.push({
      path,
      reason:
        rfc3339Problem(text) === 'calendar' ? `not an RFC 3339 time: ${text.slice(0, 10)} is not a date in the calendar; send a real date` : timeHint(text), // the schema reports the same, first (except on the hot path)
    });
  } else if (ms > latest) {
    const minutes = ((ms - nowMs) / 60_000).toFixed(1);
    problems.push({
      path,
      reason: `${text} is ${minutes} minutes ahead of the receiving clock (limit ${(latest - nowMs) / 60_000} minutes); the gateway clock is wrong: fix its time sync (NTP) and resend`,
    });
  } else if (ms < oldest) {
    problems.push({
      path,
      reason:
        `${text} is ${isoMs(ms)} in UTC, before the oldest accepted time ${isoMs(oldest)}; the device clock is wrong (a reset clock reads 1970, 2000 or 0000): ` +
        `fix its time and resend, or, for a genuine back-fill, lower ${BATCH_LIMIT_ENV.oldestReading} (BigQuery holds times from 0001-01-01)`,
    });
  }
  return ms;
}

function reject(reason: string): BatchResult {
  return { ok: false, reason, problems: [{ path: '', reason }], omitted: 0, stopped: false };
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
