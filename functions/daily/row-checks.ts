// Checks each raw line before BigQuery sees it, so a malformed line is reported with its file and
// line number while the rest of its day loads. BigQuery's own maxBadRecords would skip such a
// line, but reports only a byte position (and the emulator fails the whole load), so the daily
// job reads every object once anyway and decides here. Pure.
import { compileSchema } from '../core/schema-check.ts';
import { formatProblem } from '../core/problems.ts';
import { parseRfc3339 } from '../core/time.ts';
import { AlarmEventRow, ReadingRow } from '../../schemas/rows.ts';
import { dayStartMs, type ObjectKind } from '../core/lake-paths.ts';

/** A line that was not loaded: where it is, and why. */
export interface BadRow {
  /** gs://bucket/name */
  readonly file: string;
  /** 1-based; 0 when the object as a whole could not be read (e.g. not gzip). */
  readonly line: number;
  readonly reason: string;
}

export type LineResult = { readonly ok: true; readonly row: Record<string, unknown> } | { readonly ok: false; readonly reason: string };

const readingCheck = compileSchema(ReadingRow);
const alarmCheck = compileSchema(AlarmEventRow);
const DAY_MS = 86_400_000;

interface KindRules {
  readonly check: typeof readingCheck | typeof alarmCheck;
  /** The time that decides the row's day (the table's partitioning column). */
  readonly dayField: string;
  readonly otherTimes: readonly string[];
}

const RULES: Readonly<Record<ObjectKind, KindRules>> = {
  readings: { check: readingCheck, dayField: 'ts', otherTimes: ['ingested_at'] },
  'alarm-events': { check: alarmCheck, dayField: 'reading_ts', otherTimes: ['detected_at'] },
};

/** A checker for the lines of one object in `<kind>/dt=<day>/site=<site>/`. */
export function lineChecker(kind: ObjectKind, day: string, site: string): (line: string) => LineResult {
  const rules = RULES[kind];
  const start = dayStartMs(day);
  const end = start + DAY_MS;
  return (line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      return { ok: false, reason: `not valid JSON (${(err as Error).message}); each line must be one JSON object` };
    }
    if (!rules.check.check(value)) {
      const problems = rules.check.problems(value);
      const detail = problems.length > 0 ? problems.slice(0, 3).map(formatProblem).join('; ') : 'not a JSON object';
      return { ok: false, reason: `does not match the ${kind} row schema: ${detail}` };
    }
    const row = value as Record<string, unknown>;
    for (const field of [rules.dayField, ...rules.otherTimes]) {
      // The row schema's time form allows second 60 (a batch may carry it); land stores it as :59.999.
      if ((row[field] as string).slice(17, 19) === '60')
        return { ok: false, reason: `${field} ${String(row[field])} is a leap second, which a BigQuery TIMESTAMP cannot hold; land stores it as :59.999` };
    }
    const ms = parseRfc3339(row[rules.dayField] as string);
    if (Number.isNaN(ms)) return { ok: false, reason: `${rules.dayField} ${JSON.stringify(row[rules.dayField])} is not a real date and time` };
    if (ms < start || ms >= end) {
      return { ok: false, reason: `${rules.dayField} ${row[rules.dayField]} is not on ${day}, the day of the folder it is in` };
    }
    for (const field of rules.otherTimes) {
      if (Number.isNaN(parseRfc3339(row[field] as string))) return { ok: false, reason: `${field} ${JSON.stringify(row[field])} is not a real date and time` };
    }
    if (row.site !== site) return { ok: false, reason: `site ${JSON.stringify(row.site)} differs from the folder's site=${site}` };
    return { ok: true, row };
  };
}
