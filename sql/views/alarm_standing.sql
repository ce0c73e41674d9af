-- Standing (stale) alarms: active for more than 24 hours, seen at the end of each UTC day
-- (as_of_kind = 'day_end') and at the time of the query ('now'). ISA-18.2 / EEMUA 191 count these
-- as stale alarms and suggest fewer than 5 on any day. Filter on as_of or day.
WITH spans AS (
  SELECT site, tag, condition, priority, activated_at, ended_at
  FROM `${project}.${dataset}.alarm_intervals`
),
day_ends AS (
  SELECT s.*, TIMESTAMP(DATE_ADD(d, INTERVAL 1 DAY)) AS as_of, d AS day
  FROM spans AS s, UNNEST(GENERATE_DATE_ARRAY(DATE(s.activated_at), DATE(IFNULL(s.ended_at, CURRENT_TIMESTAMP())))) AS d
)
SELECT site, tag, condition, priority, activated_at, ended_at, day, as_of, 'day_end' AS as_of_kind,
  ROUND(TIMESTAMP_DIFF(as_of, activated_at, SECOND) / 3600, 2) AS standing_hours
FROM day_ends
WHERE as_of <= CURRENT_TIMESTAMP()
  AND (ended_at IS NULL OR ended_at > as_of)
  AND TIMESTAMP_DIFF(as_of, activated_at, SECOND) > 24 * 3600
UNION ALL
SELECT site, tag, condition, priority, activated_at, ended_at, CURRENT_DATE() AS day, CURRENT_TIMESTAMP() AS as_of, 'now' AS as_of_kind,
  ROUND(TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), activated_at, SECOND) / 3600, 2) AS standing_hours
FROM spans
WHERE ended_at IS NULL AND TIMESTAMP_DIFF(CURRENT_TIMESTAMP(), activated_at, SECOND) > 24 * 3600
