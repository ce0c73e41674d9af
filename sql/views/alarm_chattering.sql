-- Chattering alarms per site, tag, condition and day: an alarm is chattering when it activates 3 or
-- more times within 60 seconds (EEMUA 191; ISA-18.2 treats chattering alarms as nuisance alarms
-- to be eliminated, target 0). An activation completes a burst when the activation two before
-- it, of the same tag and condition, is at most 60 s earlier. Only chattering alarms are listed.
WITH activations AS (
  SELECT
    site,
    tag,
    condition,
    reading_ts,
    LAG(reading_ts, 2) OVER (PARTITION BY site, tag, condition ORDER BY reading_ts) AS two_before
  FROM `${project}.${dataset}.alarm_events`
  WHERE transition = 'active'
)
SELECT
  site,
  tag,
  condition,
  DATE(reading_ts) AS day,
  COUNT(*) AS activations,
  COUNTIF(TIMESTAMP_DIFF(reading_ts, two_before, MILLISECOND) <= 60000) AS chatter_bursts,
  MIN(IF(TIMESTAMP_DIFF(reading_ts, two_before, MILLISECOND) <= 60000, TIMESTAMP_DIFF(reading_ts, two_before, MILLISECOND), NULL)) / 1000 AS tightest_burst_seconds
FROM activations
GROUP BY site, tag, condition, day
HAVING chatter_bursts > 0
