// BigQuery rows as the pipeline writes them (NDJSON in the raw zone, load jobs). Field names and
// nullability mirror schemas/bigquery/*.json; a unit test fails if the two disagree.
import Type, { type Static } from 'typebox';
import { Condition, Priority, Transition } from './alarm-event.ts';
import { Quality, RFC3339_PATTERN } from './reading-batch.ts';

const Timestamp = Type.String({ pattern: RFC3339_PATTERN, format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);

/** One row of `readings`: ts in UTC (`Z`), tag normalised. */
export const ReadingRow = Type.Object(
  {
    site: Type.String(),
    tag: Type.String(),
    ts: Timestamp,
    value: NullableNumber,
    quality: Quality,
    unit: NullableString,
    batch_id: Type.String(),
    ingested_at: Timestamp,
  },
  { additionalProperties: false, title: 'ReadingRow', description: 'Row of BigQuery table readings' },
);
export type ReadingRow = Static<typeof ReadingRow>;

/** One row of `alarm_events`. */
export const AlarmEventRow = Type.Object(
  {
    event_id: Type.String(),
    site: Type.String(),
    tag: Type.String(),
    condition: Condition,
    transition: Transition,
    value: NullableNumber,
    limit_value: NullableNumber,
    priority: Priority,
    reading_ts: Timestamp,
    detected_at: Timestamp,
    rules_version: Type.String(),
    // Optional: alarm-events objects written before the late flag existed have none (NULL in BigQuery).
    late: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  },
  { additionalProperties: false, title: 'AlarmEventRow', description: 'Row of BigQuery table alarm_events' },
);
export type AlarmEventRow = Static<typeof AlarmEventRow>;

/** One row of `tags`: catalog fields plus the KKS split; first/last seen come from readings. */
export const TagRow = Type.Object(
  {
    tag: Type.String(),
    site: NullableString,
    description: NullableString,
    unit: NullableString,
    area: NullableString,
    equipment: NullableString,
    legacy_name: NullableString,
    plant: NullableString,
    function_key: NullableString,
    equipment_unit: NullableString,
    component: NullableString,
    measured_quantity: NullableString,
    in_catalog: Type.Boolean(),
    first_seen: Type.Union([Timestamp, Type.Null()]),
    last_seen: Type.Union([Timestamp, Type.Null()]),
    updated_at: Timestamp,
  },
  { additionalProperties: false, title: 'TagRow', description: 'Row of BigQuery table tags' },
);
export type TagRow = Static<typeof TagRow>;
