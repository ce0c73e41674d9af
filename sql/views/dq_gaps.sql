-- Gaps in each tag's data longer than 5 minutes, within each UTC day: between two readings, from
-- midnight to the day's first reading and from its last reading to midnight (or to now, today).
-- A tag with no reading at all on a day shows in dq_stale_tags instead. The window is partitioned
-- by day, so a filter on `day` still reaches readings as its partition filter; for another
-- threshold, filter gap_seconds higher here or copy the query with a smaller one.
WITH r AS (
  SELECT
    site,
    tag,
    DATE(ts) AS day,
    ts,
    LAG(ts) OVER (PARTITION BY site, tag, DATE(ts) ORDER BY ts) AS prev_ts,
    LEAD(ts) OVER (PARTITION BY site, tag, DATE(ts) ORDER BY ts) AS next_ts
  FROM `${project}.${dataset}.readings`
),
gaps AS (
  SELECT site, tag, day, IFNULL(prev_ts, TIMESTAMP(day)) AS gap_start, ts AS gap_end FROM r
  UNION ALL
  SELECT site, tag, day, ts AS gap_start, LEAST(TIMESTAMP(DATE_ADD(day, INTERVAL 1 DAY)), CURRENT_TIMESTAMP()) AS gap_end
  FROM r WHERE next_ts IS NULL
)
SELECT site, tag, day, gap_start, gap_end, TIMESTAMP_DIFF(gap_end, gap_start, SECOND) AS gap_seconds
FROM gaps
WHERE TIMESTAMP_DIFF(gap_end, gap_start, SECOND) > 300
