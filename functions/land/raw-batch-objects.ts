// What a valid batch becomes in the raw zone: one gzip NDJSON object per UTC day its readings
// touch, named from (day, site, batchId) so a resend maps to the same names, each line a row of
// the BigQuery `readings` table (schemas/bigquery/readings.json). Pure.
import { rawObjectName, readingsByDay, toReadingRow, type ReadingBatch, type ReadingRow } from '../core/index.ts';

export interface PlannedObject {
  readonly day: string;
  readonly name: string;
  readonly rows: readonly ReadingRow[];
}

export function planRawObjects(batch: ReadingBatch, ingestedAt: Date): PlannedObject[] {
  return readingsByDay(batch).map(({ day, readings }) => ({
    day,
    name: rawObjectName(day, batch.site, batch.batchId),
    rows: readings.map((reading) => toReadingRow(batch, reading, ingestedAt)),
  }));
}
