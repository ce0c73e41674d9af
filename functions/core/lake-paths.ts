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
  if (contentHash !== undefined && !CONTENT_HASH.test(contentHash)) throw new Error(`content hash ${JSON.stringify(contentHash)} is not 16 hex digits; use rawContentHash`);
  if (!DAY.test(day) || Number.isNaN(parseRfc3339(`${day}T00:00:00Z`))) throw new Error(`day ${JSON.stringify(day)} is not YYYY-MM-DD; pass the UTC day of the readings`);
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
