// ReadingBatch: what a field gateway publishes to the `readings` topic. Defined once here; the
// TypeScript type comes from Static and the JSON Schema file (reading-batch.schema.json) is written
// from the same object, so the two cannot drift. Semantic rules a schema cannot say (KKS grammar,
// calendar dates, clock faults, null only when bad) live in functions/core/batch.ts.
import Type, { type Static } from 'typebox';

/**
 * Most readings one batch may carry. A Pub/Sub message holds at most 10 MB
 * (https://cloud.google.com/pubsub/quotas#resource_limits); 50,000 readings of ~100 bytes is about
 * 5 MB, which leaves room and keeps one batch's alarm evaluation well under the ack deadline.
 */
export const MAX_READINGS_PER_BATCH = 50_000;

/** Pub/Sub's message size limit: a larger body can never have been published as one message. */
export const MAX_BATCH_BYTES = 10_000_000;

/** How far ahead of the receiving clock a reading may be before it counts as a clock fault. */
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;

/**
 * RFC 3339 `date-time` (https://www.rfc-editor.org/rfc/rfc3339#section-5.6) in its strict upper-case
 * form: date, `T`, time to the second, optional fraction (1–9 digits, OPC UA carries 100 ns), and `Z`
 * or a numeric offset. A leap second (`:60`) is accepted and read as the last millisecond of its
 * minute (`23:59:60Z` → `23:59:59.999Z`): JavaScript dates and BigQuery TIMESTAMPs cannot hold it,
 * and refusing it would quarantine a whole batch for one reading.
 */
export const RFC3339_PATTERN =
  '^\\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])T(?:[01]\\d|2[0-3]):[0-5]\\d:(?:[0-5]\\d|60)(?:\\.\\d{1,9})?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$';

/**
 * Batch ids become object names (`<batchId>.ndjson.gz`), so only a safe charset is allowed, and
 * never the `compacted-` prefix that the daily job's compacted objects carry.
 */
export const BATCH_ID_PATTERN = '^(?!compacted-)[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';

/** Sites become a path segment (`site=<site>`), so no `/`, `=` or spaces. */
export const SITE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

const Rfc3339 = (description: string) => Type.String({ pattern: RFC3339_PATTERN, format: 'date-time', description });

/** OPC UA status code severity (OPC 10000-4 §7.39): Good, Uncertain, Bad. */
export const Quality = Type.Enum(['good', 'uncertain', 'bad'], {
  description: 'OPC UA quality: good, uncertain (value usable with care) or bad (no usable value)',
});
export type Quality = Static<typeof Quality>;

export const Reading = Type.Object(
  {
    tag: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'KKS code (VGB-B 105), levels 0–1 at least, with or without spaces and a leading "="; e.g. "10LAB10CP001"',
    }),
    ts: Rfc3339('Time the value was measured (event time), RFC 3339 with Z or an offset'),
    value: Type.Union([Type.Number(), Type.Null()], {
      description: 'Measured value, a finite number; null only when quality is "bad"',
    }),
    quality: Quality,
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Engineering unit' })),
  },
  { additionalProperties: false },
);
export type Reading = Static<typeof Reading>;

export const ReadingBatch = Type.Object(
  {
    batchId: Type.String({
      pattern: BATCH_ID_PATTERN,
      description: 'Unique per gateway batch; a resend reuses it. 1–128 of A-Z a-z 0-9 . _ : -',
    }),
    site: Type.String({ pattern: SITE_PATTERN, description: 'Site (plant) that publishes, e.g. REF-01' }),
    source: Type.String({ minLength: 1, maxLength: 128, description: 'Gateway or system that sent it' }),
    sentAt: Rfc3339('When the gateway sent the batch'),
    readings: Type.Array(Reading, { minItems: 1, maxItems: MAX_READINGS_PER_BATCH }),
  },
  {
    additionalProperties: false,
    title: 'ReadingBatch',
    description:
      'A batch of sensor readings from one gateway (≤ 10 MB, the Pub/Sub message limit). Late data of any age is valid; a time more than 5 minutes ahead of the receiver is a clock fault.',
  },
);
export type ReadingBatch = Static<typeof ReadingBatch>;
