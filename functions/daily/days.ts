// UTC calendar days as `YYYY-MM-DD` strings: the unit the daily job plans, loads and audits.
// Pure; a day is the UTC day of the readings' `ts` (the raw zone's `dt=` folder).
import { utcDay } from '../core/time.ts';

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

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

export { utcDay };
