-- Stale tags: catalogued or once-seen tags whose newest loaded reading is more than an hour old at
-- the time of the query, or that never sent one. Reads `tags` (kept by the daily job), so it
-- costs no scan of readings; it is as fresh as the last daily load.
SELECT
  site,
  tag,
  description,
  in_catalog,
  last_seen,
  IF(last_seen IS NULL, 'never seen', 'stale') AS state,
  TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), last_seen, SECOND) AS stale_seconds
FROM `${project}.${dataset}.tags`
WHERE last_seen IS NULL OR TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), last_seen, SECOND) > 3600
