-- Alarm load per site and hour, the first KPI of ISA-18.2 (ANSI/ISA-18.2-2016, "Management of
-- Alarm Systems for the Process Industries", table of recommended performance metrics, derived
-- from EEMUA 191): about 6 alarms per hour per operator is very likely acceptable, about 12 is the
-- most manageable, and a 10-minute period with more than 10 alarms is an alarm flood. A site
-- stands in for one operator position here; split by area if a site has several consoles.
-- Counts activations (transition = 'active'), by the reading time that raised them.
WITH ten_minutes AS (
  SELECT
    site,
    TIMESTAMP_TRUNC(reading_ts, HOUR) AS hour_start,
    TIMESTAMP_SECONDS(DIV(UNIX_SECONDS(reading_ts), 600) * 600) AS slot_start,
    COUNT(*) AS activations,
    ARRAY_AGG(DISTINCT tag) AS tags
  FROM `${project}.${dataset}.alarm_events`
  WHERE transition = 'active'
  GROUP BY site, hour_start, slot_start
)
SELECT
  site,
  DATE(hour_start) AS day,
  hour_start,
  SUM(activations) AS activations,
  COUNTIF(activations > 10) AS flood_periods_10min,
  MAX(activations) AS peak_activations_10min,
  CASE
    WHEN SUM(activations) <= 6 THEN 'acceptable'
    WHEN SUM(activations) <= 12 THEN 'manageable'
    ELSE 'overloaded'
  END AS isa_18_2_load
FROM ten_minutes
GROUP BY site, day, hour_start
