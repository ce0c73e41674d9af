// First step of loading a day: read every raw object once, check each line (row-checks.ts) and
// sort the objects into clean ones (BigQuery loads them straight from gs://) and ones with bad
// lines (their good lines are read again and uploaded). Nothing is held in memory but counts,
// the bad rows and, for alarm events, their ids.
import type { Bucket } from '@google-cloud/storage';
import { CorruptObjectError, lineBatches } from '../adapters/lake-lines.ts';
import { mapLimit } from './context.ts';
import { gsUri, parseObjectName, type LakeObject, type ObjectKind } from '../core/lake-paths.ts';
import { lineChecker, type BadRow } from './row-checks.ts';

export interface KindRead {
  /** Objects whose every line is good: loaded by URI. */
  readonly clean: string[];
  /** Objects with bad lines: only their good lines are loaded. */
  readonly dirty: string[];
  files: number;
  bytes: number;
  /** Good lines (rows offered to BigQuery). */
  rows: number;
  readonly bad: BadRow[];
  /** Distinct event ids (alarm events only): how many rows the dedupe keeps. */
  readonly eventIds: Set<string>;
}

export type DayRead = Record<ObjectKind, KindRead>;

function emptyRead(): KindRead {
  return { clean: [], dirty: [], files: 0, bytes: 0, rows: 0, bad: [], eventIds: new Set() };
}

interface ObjectRead {
  readonly rows: number;
  readonly bad: BadRow[];
  readonly eventIds: string[];
}

/** Checks one object line by line; a corrupt gzip ends it with a bad row at the line it broke. */
async function readObject(bucket: Bucket, object: LakeObject): Promise<ObjectRead> {
  const parsed = parseObjectName(object.name)!;
  const check = lineChecker(parsed.kind, parsed.day, parsed.site);
  const file = gsUri(bucket.name, object.name);
  const bad: BadRow[] = [];
  const eventIds: string[] = [];
  let rows = 0;
  let lineNo = 0;
  try {
    for await (const batch of lineBatches(bucket.file(object.name))) {
      for (const raw of batch) {
        lineNo += 1;
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (line.trim() === '') continue;
        const result = check(line);
        if (!result.ok) {
          bad.push({ file, line: lineNo, reason: result.reason });
          continue;
        }
        rows += 1;
        if (parsed.kind === 'alarm-events') eventIds.push(result.row.event_id as string);
      }
    }
  } catch (err) {
    if (!(err instanceof CorruptObjectError)) throw err;
    bad.push({ file, line: lineNo + 1, reason: `${err.message}; the lines before it were loaded. Replace the object with a good copy.` });
  }
  return { rows, bad, eventIds };
}

export async function readDay(bucket: Bucket, objects: readonly LakeObject[], concurrency: number): Promise<DayRead> {
  const read: DayRead = { readings: emptyRead(), 'alarm-events': emptyRead() };
  const results = await mapLimit(objects, concurrency, async (o) => {
    try {
      return await readObject(bucket, o);
    } catch (err) {
      throw new Error(`could not read ${gsUri(bucket.name, o.name)}: ${(err as Error).message}`, { cause: err });
    }
  });
  objects.forEach((o, i) => {
    const r = results[i]!;
    const k = read[parseObjectName(o.name)!.kind];
    (r.bad.length > 0 ? k.dirty : k.clean).push(o.name);
    k.bad.push(...r.bad);
    for (const id of r.eventIds) k.eventIds.add(id);
    k.files += 1;
    k.bytes += o.size;
    k.rows += r.rows;
  });
  return read;
}

/** The good lines of objects with bad ones, as NDJSON text chunks (read a second time, streamed). */
export async function* goodLines(bucket: Bucket, names: readonly string[]): AsyncGenerator<string> {
  for (const name of names) {
    const parsed = parseObjectName(name)!;
    const check = lineChecker(parsed.kind, parsed.day, parsed.site);
    try {
      for await (const batch of lineBatches(bucket.file(name))) {
        let text = '';
        for (const raw of batch) {
          const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
          if (line.trim() !== '' && check(line).ok) text += `${line}\n`;
        }
        if (text !== '') yield text;
      }
    } catch (err) {
      if (!(err instanceof CorruptObjectError)) throw err;
    }
  }
}
