-- Time in alarm per site, tag, condition and UTC day: the seconds the alarm was active within the
-- day (an alarm still active counts up to now), and how many activations started that day.
WITH spans AS (
  SELECT site, tag, condition, activated_at, IFNULL(ended_at, CURRENT_TIMESTAMP()) AS until
  FROM `${project}.${dataset}.alarm_intervals`
),
per_day AS (
  SELECT
    site,
    tag,
    condition,
    d AS day,
    activated_at,
    GREATEST(activated_at, TIMESTAMP(d)) AS from_ts,
    LEAST(until, TIMESTAMP(DATE_ADD(d, INTERVAL 1 DAY))) AS to_ts
  FROM spans, UNNEST(GENERATE_DATE_ARRAY(DATE(activated_at), DATE(until))) AS d
)
SELECT
  site,
  tag,
  condition,
  day,
  SUM(GREATEST(TIMESTAMP_DIFF(to_ts, from_ts, SECOND), 0)) AS seconds_in_alarm,
  ROUND(SUM(GREATEST(TIMESTAMP_DIFF(to_ts, from_ts, SECOND), 0)) / 86400, 4) AS share_of_day,
  COUNTIF(DATE(activated_at) = day) AS activations_started
FROM per_day
GROUP BY site, tag, condition, day
