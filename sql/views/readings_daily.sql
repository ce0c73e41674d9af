-- Daily statistics per tag (UTC days): how many readings, and min / max / mean / first / last of
-- the usable values (quality good or uncertain, value not null). Filter on `day`; BigQuery turns
-- it into the partition filter readings requires (see readings_hourly.sql).
SELECT
  site,
  tag,
  DATE(ts) AS day,
  COUNT(*) AS reading_count,
  COUNTIF(quality != 'bad' AND value IS NOT NULL) AS value_count,
  MIN(IF(quality != 'bad', value, NULL)) AS min_value,
  MAX(IF(quality != 'bad', value, NULL)) AS max_value,
  AVG(IF(quality != 'bad', value, NULL)) AS mean_value,
  MIN_BY(value, IF(quality != 'bad' AND value IS NOT NULL, ts, NULL)) AS first_value,
  MAX_BY(value, IF(quality != 'bad' AND value IS NOT NULL, ts, NULL)) AS last_value,
  MIN(ts) AS first_ts,
  MAX(ts) AS last_ts,
  ANY_VALUE(unit) AS unit
FROM `${project}.${dataset}.readings`
GROUP BY site, tag, day
