-- readings: every reading, one row per (site, tag, ts); a day is rebuilt from the raw zone by the
-- daily job. Same shape as schemas/bigquery/readings.json and TABLES.readings in
-- functions/core/resources.ts (the Pulumi program and the emulator provisioning create it from
-- those; this file is the same table for people who work in SQL). Partitioned by day of ts, so a
-- query reads only the days it asks for, and every query must say which (require_partition_filter).
CREATE TABLE IF NOT EXISTS `${project}.${dataset}.readings` (
  site STRING NOT NULL OPTIONS (description = 'Site (plant) that published the reading, e.g. REF-01'),
  tag STRING NOT NULL OPTIONS (description = 'KKS code of the signal, normalised (no spaces or prefix signs)'),
  ts TIMESTAMP NOT NULL OPTIONS (description = 'Time the value was measured (event time, UTC)'),
  value FLOAT64 OPTIONS (description = 'Measured value; null when the gateway had no value (quality bad)'),
  quality STRING NOT NULL OPTIONS (description = 'OPC UA quality: good, uncertain or bad'),
  unit STRING OPTIONS (description = 'Engineering unit as sent by the gateway'),
  batch_id STRING NOT NULL OPTIONS (description = 'ReadingBatch.batchId the reading arrived in'),
  ingested_at TIMESTAMP NOT NULL OPTIONS (description = 'Time the land function wrote the raw object')
)
PARTITION BY DATE(ts)
CLUSTER BY site, tag
OPTIONS (
  require_partition_filter = TRUE,
  description = 'Every reading, one row per site, tag and time; a day is rebuilt from the raw zone'
);
