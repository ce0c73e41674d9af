-- Every alarm activation with when it ended: the next transition of the same site, tag and
-- condition (normally its clear; a second activation without a clear also ends it). ended_at is
-- null while the alarm is still active. The base of alarm_standing and alarm_time_in_alarm.
WITH ordered AS (
  SELECT
    site,
    tag,
    condition,
    priority,
    transition,
    reading_ts,
    LEAD(reading_ts) OVER (PARTITION BY site, tag, condition ORDER BY reading_ts, transition) AS next_ts,
    LEAD(transition) OVER (PARTITION BY site, tag, condition ORDER BY reading_ts, transition) AS next_transition
  FROM `${project}.${dataset}.alarm_events`
)
SELECT
  site,
  tag,
  condition,
  priority,
  reading_ts AS activated_at,
  next_ts AS ended_at,
  next_transition AS ended_by,
  TIMESTAMP_DIFF(next_ts, reading_ts, SECOND) AS duration_seconds
FROM ordered
WHERE transition = 'active'
