// Pure mappings to BigQuery rows (schemas/rows.ts mirrors schemas/bigquery/*.json).
import type { AlarmEvent } from '../../schemas/alarm-event.ts';
import type { Reading, ReadingBatch } from '../../schemas/reading-batch.ts';
import type { AlarmEventRow, ReadingRow, TagRow } from '../../schemas/rows.ts';
import type { TagCatalogEntry } from '../../schemas/tag-catalog.ts';
import { normaliseKks, parseKksCached } from './kks.ts';
import { parseRfc3339, toUtcTimestamp } from './time.ts';

// Readings of a batch mostly share a few timestamps: convert each distinct text once in a row.
let lastText = '';
let lastUtc = '';
// The rows of a batch share one ingestion time: format it once per Date, not once per row.
let lastIngested: Date | undefined;
let lastIngestedIso = '';

/** A reading of a validated batch as a `readings` row: tag normalised, ts in UTC. */
export function toReadingRow(batch: ReadingBatch, reading: Reading, ingestedAt: Date): ReadingRow {
  if (reading.ts !== lastText) [lastText, lastUtc] = [reading.ts, toUtcTimestamp(reading.ts, parseRfc3339(reading.ts))];
  if (ingestedAt !== lastIngested) [lastIngested, lastIngestedIso] = [ingestedAt, ingestedAt.toISOString()];
  return {
    site: batch.site,
    tag: normaliseKks(reading.tag),
    ts: lastUtc,
    value: reading.value,
    quality: reading.quality,
    unit: reading.unit ?? null,
    batch_id: batch.batchId,
    ingested_at: lastIngestedIso,
  };
}

export function toAlarmEventRow(event: AlarmEvent): AlarmEventRow {
  return {
    event_id: event.eventId,
    site: event.site,
    tag: event.tag,
    condition: event.condition,
    transition: event.transition,
    value: event.value,
    limit_value: event.limit,
    priority: event.priority,
    reading_ts: event.readingTs,
    detected_at: event.detectedAt,
    rules_version: event.rulesVersion,
    late: event.late === true,
  };
}

/**
 * A `tags` row for a tag: catalog fields when it has an entry, the KKS split always.
 * `seen` is the first and last reading time the daily job found for it (RFC 3339), if any.
 */
export function toTagRow(
  tag: string,
  entry: TagCatalogEntry | undefined,
  seen: { readonly first: string; readonly last: string } | undefined,
  updatedAt: Date,
): TagRow {
  const kks = parseKksCached(tag);
  const parts = kks.ok ? kks.kks : undefined;
  return {
    tag: parts?.code ?? tag,
    site: entry?.site ?? null,
    description: entry?.description ?? null,
    unit: entry?.unit ?? null,
    area: entry?.area ?? null,
    equipment: entry?.equipment ?? null,
    legacy_name: entry?.legacyName ?? null,
    plant: parts?.plant ?? null,
    function_key: parts?.functionKey ?? null,
    equipment_unit: parts?.equipmentUnit ?? null,
    component: parts?.component ?? null,
    measured_quantity: parts?.measuredQuantity ?? null,
    in_catalog: entry !== undefined,
    first_seen: seen?.first ?? null,
    last_seen: seen?.last ?? null,
    updated_at: updatedAt.toISOString(),
  };
}
