-- Hourly statistics per tag: how many readings, and min / max / mean / first / last of the usable
-- values (quality good or uncertain, value not null; bad readings are counted, not averaged).
-- Filter on `day` (e.g. WHERE day BETWEEN '2024-03-01' AND '2024-03-07'): BigQuery moves a filter
-- on a grouping column into the scan of readings as a filter on DATE(ts), which prunes partitions
-- and satisfies readings' required partition filter. A filter on hour_start alone may not.
SELECT
  site,
  tag,
  DATE(ts) AS day,
  TIMESTAMP_TRUNC(ts, HOUR) AS hour_start,
  COUNT(*) AS reading_count,
  COUNTIF(quality != 'bad' AND value IS NOT NULL) AS value_count,
  MIN(IF(quality != 'bad', value, NULL)) AS min_value,
  MAX(IF(quality != 'bad', value, NULL)) AS max_value,
  AVG(IF(quality != 'bad', value, NULL)) AS mean_value,
  -- MIN_BY/MAX_BY skip rows whose ordering key is NULL, so only usable values can be first or last.
  MIN_BY(value, IF(quality != 'bad' AND value IS NOT NULL, ts, NULL)) AS first_value,
  MAX_BY(value, IF(quality != 'bad' AND value IS NOT NULL, ts, NULL)) AS last_value,
  MIN(ts) AS first_ts,
  MAX(ts) AS last_ts,
  ANY_VALUE(unit) AS unit
FROM `${project}.${dataset}.readings`
GROUP BY site, tag, day, hour_start
