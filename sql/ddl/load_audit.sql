-- load_audit: one row per day per attempt of the daily job: what it read, kept and dropped, the
-- bad rows with file and line, the jobs it ran, and how it ended. The job plans from it (a day is
-- loaded again when its raw objects' fingerprint differs from its last succeeded row's).
-- Same shape as schemas/bigquery/load_audit.json.
CREATE TABLE IF NOT EXISTS `${project}.${dataset}.load_audit` (
  day DATE NOT NULL OPTIONS (description = 'Day (UTC, by reading time) that was loaded'),
  run_id STRING NOT NULL OPTIONS (description = 'Id of the daily run'),
  status STRING NOT NULL OPTIONS (description = 'succeeded or failed'),
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP NOT NULL,
  source_fingerprint STRING NOT NULL OPTIONS (description = 'Count and sum of sha256(name, size, MD5 or CRC32C) over the day\'s raw objects, from a listing; compaction keeps it, any new or deleted object changes it and the day is reloaded'),
  files INT64 NOT NULL,
  bytes INT64 NOT NULL,
  rows_in INT64 NOT NULL,
  rows_kept INT64 NOT NULL,
  duplicates_dropped INT64 NOT NULL,
  bad_rows ARRAY<STRUCT<file STRING NOT NULL, line INT64 NOT NULL, reason STRING NOT NULL>>,
  job_ids ARRAY<STRING>,
  error STRING OPTIONS (description = 'What went wrong and what to do')
)
PARTITION BY DATE(started_at)
OPTIONS (description = 'One row per day loaded by the daily job: what it read, kept and dropped');
