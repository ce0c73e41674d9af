// RFC 3339 times: strict parsing to epoch milliseconds, UTC days, and the UTC form stored in rows.
import { RFC3339_PATTERN } from '../../schemas/reading-batch.ts';

const RFC3339 = new RegExp(RFC3339_PATTERN);
const DAY_MS = 86_400_000;

/**
 * Epoch ms of a strict RFC 3339 time (exactly the form RFC3339_PATTERN accepts, on a real calendar
 * date), else NaN. Read by character codes: on device-stamped batches, where every reading has its
 * own time, regex + Date.parse cost more than the JSON.parse of the reading (bench/). Fractions
 * beyond milliseconds are truncated. A leap second (`:60`, any fraction) is the last millisecond of
 * its minute, `:59.999`. The unit tests check it against the pattern and Date.parse.
 */
export function parseRfc3339(text: string): number {
  if (text.length === 24 && text.charCodeAt(19) === 46 && text.charCodeAt(23) === 90) {
    const msOfDay = parseCanonical(text);
    if (msOfDay >= 0) return canonicalDay * DAY_MS + msOfDay; // else the general reader decides (and says NaN too, or reads a leap second)
  }
  return parseGeneral(text);
}

// The day (since the epoch) of the last canonical time read. parseCanonical is too large to be
// inlined: returning the epoch ms (a double) from it would allocate a heap number per reading,
// while its day here and its ms of the day as the result are small integers, and this small
// function, inlined into its callers, adds them up unboxed.
let canonicalDay = 0;

// The month of the last canonical time read: readings of a batch share it, so its day number is
// computed once (daysFromCivil of the 1st) rather than per reading.
let lastMonthKey = NaN;
let lastMonthDays = 0;

/**
 * `YYYY-MM-DDTHH:MM:SS.sssZ`, the form Date#toISOString and most gateways write: fixed offsets,
 * no loops. The ms of the day, its day in canonicalDay; -1 for anything else in that shape,
 * including a leap second (parseGeneral reads it).
 */
function parseCanonical(text: string): number {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58)
    return -1;
  // Written out, not as helper calls: a call per digit exceeds what the JIT inlines here.
  const y0 = text.charCodeAt(0) - 48,
    y1 = text.charCodeAt(1) - 48,
    y2 = text.charCodeAt(2) - 48,
    y3 = text.charCodeAt(3) - 48;
  const mo0 = text.charCodeAt(5) - 48,
    mo1 = text.charCodeAt(6) - 48,
    d0 = text.charCodeAt(8) - 48,
    d1 = text.charCodeAt(9) - 48;
  const h0 = text.charCodeAt(11) - 48,
    h1 = text.charCodeAt(12) - 48,
    mi0 = text.charCodeAt(14) - 48,
    mi1 = text.charCodeAt(15) - 48;
  const s0 = text.charCodeAt(17) - 48,
    s1 = text.charCodeAt(18) - 48,
    f0 = text.charCodeAt(20) - 48,
    f1 = text.charCodeAt(21) - 48,
    f2 = text.charCodeAt(22) - 48;
  // A non-digit is below 0 or above 9 after - 48: as unsigned (>>> 0), above 9.
  if (
    y0 >>> 0 > 9 ||
    y1 >>> 0 > 9 ||
    y2 >>> 0 > 9 ||
    y3 >>> 0 > 9 ||
    mo0 >>> 0 > 9 ||
    mo1 >>> 0 > 9 ||
    d0 >>> 0 > 9 ||
    d1 >>> 0 > 9 ||
    h0 >>> 0 > 9 ||
    h1 >>> 0 > 9 ||
    mi0 >>> 0 > 9 ||
    mi1 >>> 0 > 9 ||
    s0 >>> 0 > 9 ||
    s1 >>> 0 > 9 ||
    f0 >>> 0 > 9 ||
    f1 >>> 0 > 9 ||
    f2 >>> 0 > 9
  )
    return -1;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  const month = mo0 * 10 + mo1;
  const day = d0 * 10 + d1;
  const hour = h0 * 10 + h1;
  const minute = mi0 * 10 + mi1;
  const second = s0 * 10 + s1;
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 59)) return -1;
  const key = year * 16 + month;
  if (key !== lastMonthKey) {
    lastMonthKey = key;
    lastMonthDays = daysFromCivil(year, month, 1);
  }
  canonicalDay = lastMonthDays + day - 1;
  return ((hour * 60 + minute) * 60 + second) * 1000 + f0 * 100 + f1 * 10 + f2;
}

/** Any strict RFC 3339 form (see parseRfc3339); exported for the tests that hold the fast path to it. */
export function parseGeneral(text: string): number {
  const length = text.length;
  if (length < 20 || length > 35) return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    text.charCodeAt(10) !== 84 || // - - T
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58 || // : :
    !(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && hour <= 23 && minute <= 59 && second <= 60)
  ) {
    return NaN; // NaN from a non-digit fails every comparison above
  }
  let i = 19;
  let millis = 0;
  if (text.charCodeAt(i) === 46) {
    // '.', then 1–9 digits; the first three are the milliseconds
    const start = ++i;
    while (i < length && isDigit(text.charCodeAt(i))) i++;
    const count = i - start;
    if (count < 1 || count > 9) return NaN;
    millis = digits(text, start, Math.min(count, 3)) * (count >= 3 ? 1 : count === 2 ? 10 : 100);
  }
  let offsetMinutes = 0;
  const zone = text.charCodeAt(i);
  if (zone === 90) {
    if (i + 1 !== length) return NaN; // 'Z' ends the text
  } else if ((zone === 43 || zone === 45) && i + 6 === length && text.charCodeAt(i + 3) === 58) {
    const offsetHour = digits(text, i + 1, 2);
    const offsetMinute = digits(text, i + 4, 2);
    if (!(offsetHour <= 23 && offsetMinute <= 59)) return NaN;
    offsetMinutes = (zone === 43 ? 1 : -1) * (offsetHour * 60 + offsetMinute);
  } else {
    return NaN;
  }
  const days = daysFromCivil(year, month, day);
  if (second === 60) return days * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + 59) * 1000 + 999;
  return days * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
}

/** Value of `count` decimal digits at `start`, or NaN if any is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return NaN;
    value = value * 10 + (code - 48);
  }
  return value;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms"). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Why a text is not a usable RFC 3339 time: its form, or a date the calendar does not have. */
export function rfc3339Problem(text: string): 'form' | 'calendar' | null {
  if (!RFC3339.test(text)) return 'form';
  return Number.isNaN(parseRfc3339(text)) ? 'calendar' : null;
}

/** `YYYY-MM-DD` of the UTC day holding `ms`. */
export function utcDay(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

/** ISO 8601 UTC with milliseconds, e.g. `2024-05-01T12:00:00.000Z`. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The same instant in UTC (`Z`), keeping the sent fraction up to microseconds (BigQuery TIMESTAMP
 * precision; finer digits are cut). Offsets are whole minutes, so the fraction never changes.
 */
export function toUtcTimestamp(text: string, ms: number): string {
  if (text.charCodeAt(17) === 54 && text.charCodeAt(18) === 48) return isoMs(ms); // leap second: :59.999Z
  const dot = text.indexOf('.', 19);
  const zone = text.endsWith('Z') ? text.length - 1 : text.length - 6;
  const fraction = dot === -1 ? '' : text.slice(dot, Math.min(zone, dot + 7));
  if (text.endsWith('Z') && (dot === -1 || zone - dot <= 7)) return text;
  const seconds = new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
  return `${seconds}${fraction}Z`;
}

/** BigQuery TIMESTAMP and DATE start at 0001-01-01 and end at 9999-12-31 (UTC). https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#timestamp_type */
export const BIGQUERY_MIN_MS = parseRfc3339('0001-01-01T00:00:00Z');
export const BIGQUERY_MAX_MS = parseRfc3339('9999-12-31T23:59:59.999Z');
