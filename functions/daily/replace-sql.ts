// The SQL the daily job runs on BigQuery, as text. Pure, so it can be read and tested in one place.
// Every statement on `readings` filters on ts (the table requires a partition filter).
import readingsFields from '../../schemas/bigquery/readings.json' with { type: 'json' };
import alarmEventFields from '../../schemas/bigquery/alarm_events.json' with { type: 'json' };

const READING_COLUMNS = readingsFields.map((f) => f.name).join(', ');
const ALARM_COLUMNS = alarmEventFields.map((f) => f.name).join(', ');

/** Fully qualified table names, `project.dataset.table`. */
export interface ReplaceTables {
  readonly readings: string;
  readonly alarmEvents: string;
  readonly stagingReadings: string;
  readonly stagingAlarmEvents: string;
}

/**
 * Replaces one day (parameters @start, @end: TIMESTAMP) in `readings` and `alarm_events` from the
 * staging tables, keeping one row per (site, tag, ts) and one per event_id, in one multi-statement
 * transaction: on BigQuery either the whole day is replaced or, if any statement fails, nothing
 * (https://cloud.google.com/bigquery/docs/transactions: without an exception handler a failing
 * statement fails the query and the transaction is rolled back). The last statement's result is
 * the script's result: per tag, how many rows the day now holds and their first and last time.
 *
 * Winners are deterministic whatever the load order: the reading ingested last (a resend carries
 * the gateway's correction), then the greatest batch id; within one batch the highest value (a
 * value beats none), then the best quality: the rule detect applies to a batch's duplicates
 * (functions/core/alarms.ts), so an alarm and the history agree. For alarm events the first
 * detection wins (that is when the control room was told).
 */
export function replaceDayScript(t: ReplaceTables): string {
  return `BEGIN TRANSACTION;
DELETE FROM \`${t.readings}\` WHERE ts >= @start AND ts < @end;
INSERT INTO \`${t.readings}\` (${READING_COLUMNS})
SELECT ${READING_COLUMNS} FROM (
  SELECT ${READING_COLUMNS},
    ROW_NUMBER() OVER (PARTITION BY site, tag, ts ORDER BY ingested_at DESC, batch_id DESC, value DESC NULLS LAST,
      CASE quality WHEN 'good' THEN 0 WHEN 'uncertain' THEN 1 ELSE 2 END, unit) AS dedupe_rank
  FROM \`${t.stagingReadings}\` WHERE ts >= @start AND ts < @end
) WHERE dedupe_rank = 1;
DELETE FROM \`${t.alarmEvents}\` WHERE reading_ts >= @start AND reading_ts < @end;
INSERT INTO \`${t.alarmEvents}\` (${ALARM_COLUMNS})
SELECT ${ALARM_COLUMNS} FROM (
  SELECT ${ALARM_COLUMNS},
    ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY detected_at, value, limit_value, priority) AS dedupe_rank
  FROM \`${t.stagingAlarmEvents}\` WHERE reading_ts >= @start AND reading_ts < @end
) WHERE dedupe_rank = 1;
COMMIT TRANSACTION;
SELECT site, tag, COUNT(*) AS row_count, MIN(ts) AS first_ts, MAX(ts) AS last_ts
FROM \`${t.readings}\` WHERE ts >= @start AND ts < @end
GROUP BY site, tag ORDER BY site, tag;`;
}

/** Every load_audit row, reduced to what planning needs (the table is small: one row per day loaded). */
export function auditQuery(loadAudit: string): string {
  return `SELECT CAST(day AS STRING) AS day, status, source_fingerprint, finished_at FROM \`${loadAudit}\``;
}

export function tagsQuery(tags: string): string {
  return `SELECT * FROM \`${tags}\``;
}
