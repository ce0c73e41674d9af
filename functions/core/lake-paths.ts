// Lake naming, in one place: how objects in the raw bucket are named and how a name reads back.
// Raw readings objects and quarantine records here first; below them the UTC days the lake is cut
// into, the day folders of both kinds (readings, alarm events) and their parsing, alarm-events and
// outbox objects, compacted objects and the metadata keys compaction writes. Pure: what the daily
// job and detect do with these names stays in functions/daily and functions/adapters.
//
// Object names in the raw bucket. A raw object is a pure function of (UTC day, site, batchId), so
// a resent batch maps to the same names and `ifGenerationMatch=0` turns the resend into a no-op.
// A batch whose readings span midnight (UTC) becomes one object per day. A resend whose readings
// differ (a gateway whose batch counter restarted) lands beside it under a content-addressed name
// `<batchId>~<hash>`, so no reading is dropped and an identical resend still lands once.
import { createHash } from 'node:crypto';
import { OBJECTS } from './resources.ts';
import { BATCH_ID_PATTERN, SITE_PATTERN, type Reading, type ReadingBatch } from '../../schemas/reading-batch.ts';
import { preparedReadings } from './batch.ts';
import { parseRfc3339, utcDay } from './time.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const BATCH_ID = new RegExp(BATCH_ID_PATTERN);
const SITE = new RegExp(SITE_PATTERN);
const RAW_NAME = new RegExp(
  `^${OBJECTS.readingsPrefix}dt=(\\d{4}-\\d{2}-\\d{2})/site=(${SITE_PATTERN.slice(1, -1)})/(${BATCH_ID_PATTERN.slice(1, -1)})(?:~([0-9a-f]{16}))?\\.ndjson\\.gz$`,
);

export interface RawObjectKey {
  readonly day: string;
  readonly site: string;
  readonly batchId: string;
  /** Set on the object of a resend whose content differed (`<batchId>~<contentHash>`). */
  readonly contentHash?: string;
}

const CONTENT_HASH = /^[0-9a-f]{16}$/;

/**
 * `readings/dt=YYYY-MM-DD/site=S/<batchId>.ndjson.gz`, or `…/<batchId>~<contentHash>.ndjson.gz`
 * for a resend with other content; throws on a name part that would be unsafe.
 */
export function rawObjectName(day: string, site: string, batchId: string, contentHash?: string): string {
  if (contentHash !== undefined && !CONTENT_HASH.test(contentHash))
    throw new Error(`content hash ${JSON.stringify(contentHash)} is not 16 hex digits; use rawContentHash`);
  if (!DAY.test(day) || Number.isNaN(parseRfc3339(`${day}T00:00:00Z`)))
    throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD; pass the UTC day of the readings`);
  if (!SITE.test(site)) throw new Error(`site ${JSON.stringify(site)} is not a safe path segment; validate the batch first`);
  if (!BATCH_ID.test(batchId)) throw new Error(`batchId ${JSON.stringify(batchId)} is not a safe object name; validate the batch first`);
  return `${OBJECTS.readingsPrefix}dt=${day}/site=${site}/${batchId}${contentHash === undefined ? '' : `~${contentHash}`}.ndjson.gz`;
}

/**
 * Hex sha256 of what a raw object says (site, tag, ts, value, quality, unit of each row in order),
 * not when it was ingested: a redelivery or an identical resend hashes the same.
 */
export function rawContentHash(rows: readonly { site: string; tag: string; ts: string; value: number | null; quality: string; unit: string | null }[]): string {
  // The same bytes as one update per line would hash, in one update: a call per row costs more than the hashing.
  let text = '';
  for (const r of rows) text += `${JSON.stringify([r.site, r.tag, r.ts, r.value, r.quality, r.unit])}\n`;
  return createHash('sha256').update(text).digest('hex');
}

/** The parts of a raw object name, or null when the name is not one (other prefixes, temp files). */
export function parseRawObjectName(name: string): RawObjectKey | null {
  const match = RAW_NAME.exec(name);
  if (match === null || Number.isNaN(parseRfc3339(`${match[1]}T00:00:00Z`))) return null;
  return { day: match[1]!, site: match[2]!, batchId: match[3]!, ...(match[4] === undefined ? {} : { contentHash: match[4] }) };
}

/** The batch's readings per UTC day of their ts, days ascending, readings in batch order. */
export function readingsByDay(batch: ReadingBatch): Array<{ day: string; readings: Reading[] }> {
  const { times } = preparedReadings(batch);
  const days = new Map<string, Reading[]>();
  let lastDayNumber = NaN;
  let lastDay = '';
  batch.readings.forEach((reading, i) => {
    const dayNumber = Math.floor(times[i]! / 86_400_000);
    if (dayNumber !== lastDayNumber) [lastDayNumber, lastDay] = [dayNumber, utcDay(times[i]!)];
    const list = days.get(lastDay);
    if (list === undefined) days.set(lastDay, [reading]);
    else list.push(reading);
  });
  return [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, readings]) => ({ day, readings }));
}

/**
 * `quarantine/dt=YYYY-MM-DD/<id>.json` for a rejected message, by the day it was quarantined.
 * `id` is the Pub/Sub messageId (a redelivery overwrites nothing with ifGenerationMatch=0) or a
 * payload hash; an id outside the safe charset is replaced by its sha256.
 */
export function quarantineObjectName(now: Date, id: string): string {
  const safe = BATCH_ID.test(id) ? id : sha256Hex(id);
  return `${OBJECTS.quarantinePrefix}dt=${utcDay(now.getTime())}/${safe}.json`;
}

/** Hex sha256 of a payload, for naming a quarantined message that has no messageId. */
export function sha256Hex(payload: Uint8Array | string): string {
  return createHash('sha256').update(payload).digest('hex');
}

// ── Days ────────────────────────────────────────────────────────────────────────────────────
// UTC calendar days as `YYYY-MM-DD` strings: the unit the daily job plans, loads and audits.
// A day is the UTC day of the readings' `ts` (the raw zone's `dt=` folder).

const DAY_MS = 86_400_000;

/**
 * True for a real calendar day written `YYYY-MM-DD` (not 2024-02-30) that BigQuery's DATE can hold
 * (from 0001-01-01): a folder of year 0000 can never load, so it is not a day to plan.
 */
export function isDay(text: string): boolean {
  if (!DAY.test(text) || text < '0001-01-01') return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && utcDay(ms) === text;
}

/** Epoch ms of the day's first instant (00:00:00 UTC). */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  return utcDay(dayStartMs(day) + n * DAY_MS);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dayStartMs(to) - dayStartMs(from)) / DAY_MS);
}

/** Every day from `from` to `to`, both included. */
export function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  return days;
}

/** `[start, end)` of the day as RFC 3339 UTC, the bounds every query on `readings` filters on. */
export function dayBounds(day: string): { start: string; end: string } {
  return { start: `${day}T00:00:00Z`, end: `${addDays(day, 1)}T00:00:00Z` };
}

// ── Raw readings objects ────────────────────────────────────────────────────────────────────

// ── Day folders of both kinds ───────────────────────────────────────────────────────────────
// The raw objects the daily job reads, as plain data (what a bucket listing says about each), and
// how their names split into kind, day, site and file.
//   readings/dt=YYYY-MM-DD/site=S/<batchId>.ndjson.gz       (written by land)
//   alarm-events/dt=YYYY-MM-DD/site=S/<batchId>.ndjson.gz   (written by detect)
//   …/site=S/compacted-<hash>.ndjson.gz                     (written by the daily lifecycle)

export type ObjectKind = 'readings' | 'alarm-events';

export const KIND_PREFIX: Readonly<Record<ObjectKind, string>> = {
  readings: OBJECTS.readingsPrefix,
  'alarm-events': OBJECTS.alarmEventsPrefix,
};

/** What a listing tells about one object; enough to fingerprint, load and move it. */
export interface LakeObject {
  readonly name: string;
  readonly size: number;
  /** base64 MD5 of the stored bytes; absent on composite objects. */
  readonly md5Hash?: string | undefined;
  /** base64 CRC32C of the stored bytes; always present on Cloud Storage. */
  readonly crc32c?: string | undefined;
  readonly storageClass?: string | undefined;
  /** Custom metadata (compaction bookkeeping: COMPACTION_META below, functions/daily/fingerprint.ts). */
  readonly metadata?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface ObjectName {
  readonly kind: ObjectKind;
  readonly day: string;
  readonly site: string;
  /** File name inside the site folder, without `.ndjson.gz`. */
  readonly file: string;
  /** `readings/dt=…/site=…/`: the folder compaction works in. */
  readonly folder: string;
}

const OBJECT_NAME = /^(readings|alarm-events)\/dt=([^/]+)\/site=([^/]+)\/([^/]+)\.ndjson\.gz$/;

/** The parts of a raw data object's name, or null for anything else (temp files, other prefixes). */
export function parseObjectName(name: string): ObjectName | null {
  const m = OBJECT_NAME.exec(name);
  if (m === null || !isDay(m[2]!)) return null;
  const kind = m[1] as ObjectKind;
  return { kind, day: m[2]!, site: m[3]!, file: m[4]!, folder: `${kind}/dt=${m[2]}/site=${m[3]}/` };
}

/** `readings/dt=DAY/` (or alarm-events): where a day's objects of one kind live. */
export function dayPrefix(kind: ObjectKind, day: string): string {
  return `${KIND_PREFIX[kind]}dt=${day}/`;
}

export function gsUri(bucket: string, name: string): string {
  return `gs://${bucket}/${name}`;
}

/**
 * `alarm-events/dt=DAY/site=S/<file>.ndjson.gz`: detect's alarm events of one batch and day
 * (`file` is the batch id, or the batch id and an outbox id when that name holds other events).
 */
export function alarmEventsObjectName(day: string, site: string, file: string): string {
  return `${KIND_PREFIX['alarm-events']}dt=${day}/site=${site}/${file}.ndjson.gz`;
}

/** `state/alarms/outbox/site=S/<id>.json`: beside the state, inside detect's writable prefix. */
export function outboxObjectName(site: string, id: string): string {
  return `${OBJECTS.alarmOutboxPrefix}site=${site}/${id}.json`;
}

// ── Compacted objects ───────────────────────────────────────────────────────────────────────
// Names of compacted objects: `<kind>/dt=DAY/site=S/compacted-<16 hex>.ndjson.gz`. The hash is over
// the sources, so retrying a compaction that stopped half-way writes to the same name (and the
// write, with ifGenerationMatch=0, finds it there). Batch ids may not start with "compacted-"
// (schemas/reading-batch.ts), so no landed batch can look like one.
export const COMPACTED_FILE_PREFIX = 'compacted-';

/** Custom metadata keys written by compaction (what they mean: functions/daily/fingerprint.ts). */
export const COMPACTION_META = {
  /** On a compacted object: hex sum (mod 2^256) of the leaf hashes it replaces. */
  sourcesSum: 'plantlake-sources-sum',
  /** On a compacted object: how many leaves it replaces. */
  sourcesCount: 'plantlake-sources-count',
  /** On a source object: the full name of the compacted object that takes its place. */
  compactedInto: 'plantlake-compacted-into',
} as const;
