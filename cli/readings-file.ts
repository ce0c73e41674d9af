// Reads readings from a file for `plantlake publish`: NDJSON (one reading per line, with its site)
// or CSV with a header `site,tag,ts,value,quality[,unit]`. Then groups them into gateway batches
// whose ids derive from the file's content, so publishing the same file twice lands it once.
// Pure: text in, batches out.
import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import type { ReadingBatch } from '../functions/core/index.ts';

export interface FileReading {
  site: string;
  tag: string;
  ts: string;
  value: number | null;
  quality: 'good' | 'uncertain' | 'bad';
  unit?: string;
}

export type FileFormat = 'ndjson' | 'csv';

export function formatOf(path: string, explicit?: string): FileFormat {
  const f = explicit ?? (path.endsWith('.csv') ? 'csv' : path.endsWith('.ndjson') || path.endsWith('.jsonl') ? 'ndjson' : undefined);
  if (f !== 'csv' && f !== 'ndjson') {
    throw new Error(`cannot tell the format of ${path}: name it .csv or .ndjson, or pass --format csv|ndjson`);
  }
  return f;
}

const QUALITIES = new Set(['good', 'uncertain', 'bad']);

function checkReading(raw: Record<string, unknown>, where: string): FileReading {
  const missing = ['site', 'tag', 'ts'].filter((k) => typeof raw[k] !== 'string' || raw[k] === '');
  if (missing.length > 0) throw new Error(`${where}: missing ${missing.join(', ')}; each reading needs site, tag, ts, value and quality`);
  const quality = raw.quality === undefined || raw.quality === '' ? 'good' : String(raw.quality);
  if (!QUALITIES.has(quality)) throw new Error(`${where}: quality must be good, uncertain or bad; got "${quality}"`);
  const rawValue = raw.value;
  const value = rawValue === null || rawValue === '' || rawValue === undefined ? null : Number(rawValue);
  if (value !== null && !Number.isFinite(value)) throw new Error(`${where}: value must be a finite number; got "${String(rawValue)}"`);
  const unit = typeof raw.unit === 'string' && raw.unit !== '' ? raw.unit : undefined;
  return {
    site: raw.site as string,
    tag: raw.tag as string,
    ts: raw.ts as string,
    value,
    quality: quality as FileReading['quality'],
    ...(unit ? { unit } : {}),
  };
}

export function readingsFromText(input: string, format: FileFormat): FileReading[] {
  // Spreadsheet programs (Excel's "CSV UTF-8") start a file with a byte-order mark, which would
  // otherwise become part of the first column's name ("\uFEFFsite") and fail every line.
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  if (format === 'csv') {
    const records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
    const header = Object.keys(records[0] ?? {});
    const missing = ['site', 'tag', 'ts'].filter((c) => !header.includes(c));
    if (records.length > 0 && missing.length > 0) {
      throw new Error(
        `line 1: the header has no ${missing.join(', ')} column (it has ${header.map((h) => JSON.stringify(h)).join(', ')}); write the header site,tag,ts,value,quality[,unit]`,
      );
    }
    return records.map((r, i) => checkReading(r, `line ${i + 2}`));
  }
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`line ${n}: not JSON; write one reading object per line`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`line ${n}: not a JSON object`);
      return checkReading(parsed as Record<string, unknown>, `line ${n}`);
    });
}

/** Batches of at most `batchSize` readings per site; ids are `<site>.<file digest>.<n>`. */
export function batchesFromReadings(readings: FileReading[], options: { text: string; batchSize: number; source: string; sentAt: Date }): ReadingBatch[] {
  const digest = createHash('sha256').update(options.text).digest('hex').slice(0, 16);
  const bySite = new Map<string, FileReading[]>();
  for (const r of readings) {
    const list = bySite.get(r.site) ?? [];
    list.push(r);
    bySite.set(r.site, list);
  }
  const batches: ReadingBatch[] = [];
  for (const [site, list] of bySite) {
    for (let i = 0; i < list.length; i += options.batchSize) {
      batches.push({
        batchId: `${site}.${digest}.${i / options.batchSize}`,
        site,
        source: options.source,
        sentAt: options.sentAt.toISOString(),
        readings: list.slice(i, i + options.batchSize).map(({ site: _site, ...reading }) => reading),
      });
    }
  }
  return batches;
}
