// The path of a valid batch's readings through validation: one pass, one branch per check, no
// closure, no object per reading. It checks exactly what the reading schema (ajv) and
// batch.ts's checkSemantics check, and gives up at the first doubt: the caller then takes the
// thorough path, which finds and words every problem. So it may only ever be stricter, never
// looser (test/unit/core/batch-fast-path.test.ts compares the two on random and hostile batches).
// Why: on 1,000-reading batches ajv + the semantic pass cost more than the JSON.parse (bench/).
import { parseKksCached } from './kks.ts';
import { parseRfc3339 } from './time.ts';

export interface FastReadings {
  readonly tags: string[];
  readonly times: Float64Array;
}

// Gateways send the same tags in the same order, batch after batch: a tag equal to the one at the
// same position last time has that one's normalised code, with no hash lookup. Only valid tags
// are kept; bounded by the largest batch (MAX_READINGS_PER_BATCH).
const lastRaw: string[] = [];
const lastCode: string[] = [];

/**
 * Normalised tags and epoch ms of the readings when each is an object with only tag, ts, value,
 * quality and unit; a tag of 1–40 characters that is a KKS code; a ts that is RFC 3339 on a real
 * date within [oldest, latest]; a finite number, or null with quality bad; a known quality; a unit
 * of 1–32 characters when present. Else null.
 */
export function fastReadings(readings: readonly unknown[], latest: number, oldest: number): FastReadings | null {
  const count = readings.length;
  const tags = new Array<string>(count);
  const times = new Float64Array(count);
  // The last ts text read, its length and next-to-last character: device-stamped readings differ
  // there, so most unequal texts are told apart without a string comparison.
  let lastTs = '';
  let lastLength = -1; // no text matches it, not even ""
  let lastMark = 0;
  let lastMs = NaN;
  for (let i = 0; i < count; i++) {
    const reading = readings[i] as Record<string, unknown> | null;
    if (typeof reading !== 'object' || reading === null || Array.isArray(reading)) return null;
    for (const key in reading) {
      if (key !== 'tag' && key !== 'ts' && key !== 'value' && key !== 'quality' && key !== 'unit') return null;
    }
    const { tag, ts, value, quality, unit } = reading;
    if (typeof tag !== 'string' || tag.length === 0 || !withinLength(tag, 40)) return null;
    if (value === null) {
      if (quality !== 'bad') return null;
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      return null;
    } else if (quality !== 'good' && quality !== 'uncertain' && quality !== 'bad') {
      return null;
    }
    if (unit !== undefined && (typeof unit !== 'string' || unit.length === 0 || !withinLength(unit, 32))) return null;
    if (typeof ts !== 'string') return null;
    const length = ts.length;
    const mark = ts.charCodeAt(length - 2);
    if (length !== lastLength || mark !== lastMark || ts !== lastTs) {
      const ms = parseRfc3339(ts);
      if (!(ms <= latest && ms >= oldest)) return null; // NaN fails both
      lastTs = ts;
      lastLength = length;
      lastMark = mark;
      lastMs = ms;
    }
    times[i] = lastMs;
    if (tag === lastRaw[i]) {
      tags[i] = lastCode[i]!;
    } else {
      const kks = parseKksCached(tag);
      if (!kks.ok) return null;
      tags[i] = lastCode[i] = kks.kks.code;
      lastRaw[i] = tag;
    }
  }
  return { tags, times };
}

/** At most `max` code points, as JSON Schema's maxLength counts (ajv's ucs2length): UTF-16 units only when above. */
function withinLength(text: string, max: number): boolean {
  if (text.length <= max) return true;
  let points = 0;
  for (const _ of text) if (++points > max) return false;
  return true;
}
