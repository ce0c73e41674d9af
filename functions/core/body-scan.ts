// A pass over a large message body's bytes, before JSON.parse, counting what a ReadingBatch bounds:
// fields of the top-level object, elements of its `readings` array, fields of each reading. A body
// over a bound is rejected without building its object tree: JSON.parse of 10 MB of tiny readings
// or of 600,000 fields costs 40–90 MB, a scan of it a few milliseconds (bench/hostile.bench.ts).
// Counts only; anything else (syntax included) is left to JSON.parse and the schema. Pure.

export interface BodyCounts {
  /** Fields of the top-level object (0 when the body is not an object). */
  readonly fields: number;
  /** Elements of the top-level `readings` array (-1 when there is none). */
  readonly readings: number;
  /** Most fields of any object element of `readings`. */
  readonly readingFields: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const READINGS = Buffer.from('"readings"');

/** Counts in one pass, stopping as soon as every count is past its `stopAt` bound. */
export function scanBody(bytes: Uint8Array, stopAt: BodyCounts): BodyCounts {
  let depth = 0;
  let fields = 0;
  let readings = -1;
  let readingFields = 0;
  let current = 0; // fields of the reading being read
  let keyStart = -1; // start of the last string at depth 1
  let lastKeyIsReadings = false;
  let inReadings = false; // inside the `readings` array (depth 2)
  let elementSeen = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === QUOTE) {
      const start = i;
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
      if (depth === 1) keyStart = start;
      if (inReadings && depth === 2) elementSeen = true;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      // { or [
      if (inReadings && depth === 2) {
        elementSeen = true;
        current = 0;
      }
      depth++;
      if (depth === 2 && c === 0x5b && lastKeyIsReadings) {
        inReadings = true;
        readings = 0;
        elementSeen = false;
      }
      continue;
    }
    if (c === 0x7d || c === 0x5d) {
      // } or ]
      if (inReadings && depth === 3 && current > readingFields) readingFields = current;
      if (inReadings && depth === 2) {
        if (elementSeen) readings++;
        inReadings = false;
        lastKeyIsReadings = false;
      }
      depth--;
      continue;
    }
    if (c === COLON) {
      if (depth === 1) {
        fields++;
        lastKeyIsReadings = keyStart >= 0 && i - keyStart >= READINGS.length && matchesKey(bytes, keyStart);
      } else if (inReadings && depth === 3) {
        current++;
      }
    } else if (c === COMMA && inReadings && depth === 2) {
      readings++;
      elementSeen = false;
    } else if (inReadings && depth === 2 && c > 0x20) {
      elementSeen = true; // a number, true, false or null element
    }
    if (fields > stopAt.fields || readings > stopAt.readings || readingFields > stopAt.readingFields || current > stopAt.readingFields) {
      return { fields, readings, readingFields: Math.max(readingFields, current) };
    }
  }
  return { fields, readings, readingFields };
}

function matchesKey(bytes: Uint8Array, start: number): boolean {
  for (let j = 0; j < READINGS.length; j++) if (bytes[start + j] !== READINGS[j]) return false;
  return true;
}
