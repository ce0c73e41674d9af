// What a valid batch becomes in the raw zone: one gzip NDJSON object per UTC day its readings
// touch, named from (day, site, batchId) so a resend maps to the same names, each line a row of
// the BigQuery `readings` table (schemas/bigquery/readings.json). `contentHash` tells an identical
// resend from a reused batch id with other readings. Pure.
import { rawContentHash, rawObjectName, readingsByDay, toReadingRow, type ReadingBatch, type ReadingRow } from '../core/index.ts';

export interface PlannedObject {
  readonly day: string;
  readonly name: string;
  readonly rows: readonly ReadingRow[];
  /** Hex sha256 of the rows' content (rawContentHash). */
  readonly contentHash: string;
  /** Where the rows land when `name` holds other content: `<batchId>~<hash>`. */
  readonly conflictName: string;
}

/** Throws when a name cannot be made (land quarantines the batch with that reason). */
export function planRawObjects(batch: ReadingBatch, ingestedAt: Date): PlannedObject[] {
  return readingsByDay(batch).map(({ day, readings }) => {
    const rows = readings.map((reading) => toReadingRow(batch, reading, ingestedAt));
    const contentHash = rawContentHash(rows);
    return {
      day,
      name: rawObjectName(day, batch.site, batch.batchId),
      rows,
      contentHash,
      conflictName: rawObjectName(day, batch.site, batch.batchId, contentHash.slice(0, 16)),
    };
  });
}
