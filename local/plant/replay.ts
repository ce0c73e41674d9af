// Replays a recorded series instead of the simulated plant: a CSV of `timestamp,value` (the NAB
// format, times in UTC without a zone) becomes gateway batches for one tag, in time order.
import type { ReadingBatch } from '../../functions/core/index.ts';

export interface ReplayOptions {
  tag: string;
  site: string;
  unit?: string;
  /** Readings per batch. */
  batchSize?: number;
}

export function replayCsv(csv: string, options: ReplayOptions): ReadingBatch[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines.shift()?.toLowerCase() ?? '';
  if (!/^timestamp,\s*value$/.test(header)) {
    throw new Error(`the replay file must start with the header "timestamp,value"; found "${header}"`);
  }
  const readings = lines.map((line, i) => {
    const [time, value] = line.split(',');
    const ms = Date.parse(`${time?.trim().replace(' ', 'T')}Z`);
    const v = Number(value);
    if (Number.isNaN(ms) || !Number.isFinite(v)) {
      throw new Error(`line ${i + 2} of the replay file is not "YYYY-MM-DD HH:MM:SS,number": "${line}"`);
    }
    return { tag: options.tag, ts: new Date(ms).toISOString(), value: v, quality: 'good' as const, ...(options.unit ? { unit: options.unit } : {}) };
  });
  const size = options.batchSize ?? 288;
  const batches: ReadingBatch[] = [];
  for (let i = 0; i < readings.length; i += size) {
    const chunk = readings.slice(i, i + size);
    const last = chunk[chunk.length - 1]!.ts;
    batches.push({
      batchId: `${options.site}.replay.${String(i / size).padStart(6, '0')}`,
      site: options.site,
      source: 'replay',
      sentAt: last,
      readings: chunk,
    });
  }
  return batches;
}
