-- Cost of every reading interval of every energy meter (table energy_meters): the energy between
-- a reading and the meter's previous one, from a cumulative kWh register (a drop is a rollover
-- when the previous value was at or above 90 % of rollover_at, otherwise a counter reset, after
-- which the register counts from 0) or from a kW power tag (trapezoid over the interval), priced
-- at the band of the interval's start in the site's time zone (table tariffs, valid on that local
-- day). Bad-quality and null readings are skipped: the next good reading closes the interval.
-- The window runs across days (the interval over midnight belongs to a meter too), so BigQuery
-- cannot prune readings by a filter on this view's columns: the scan below reads every reading of
-- the metered tags (the explicit ts condition satisfies readings' required partition filter).
-- Filter on local_day in your query; on large histories materialise it (README, Energy cost).
WITH meter_readings AS (
  SELECT r.site, r.tag, m.kind, m.rollover_at, r.ts, r.value
  FROM `${project}.${dataset}.readings` AS r
  JOIN `${project}.${dataset}.energy_meters` AS m ON m.site = r.site AND m.tag = r.tag
  WHERE r.ts >= TIMESTAMP '1970-01-01 00:00:00+00' AND r.value IS NOT NULL AND r.quality != 'bad'
),
intervals AS (
  SELECT
    site, tag, kind, rollover_at,
    LAG(ts) OVER (PARTITION BY site, tag ORDER BY ts) AS interval_start,
    ts AS interval_end,
    LAG(value) OVER (PARTITION BY site, tag ORDER BY ts) AS start_value,
    value AS end_value
  FROM meter_readings
),
energy AS (
  SELECT
    *,
    CASE
      WHEN kind = 'power' THEN (start_value + end_value) / 2 * TIMESTAMP_DIFF(interval_end, interval_start, MICROSECOND) / 3600000000
      WHEN end_value >= start_value THEN end_value - start_value
      WHEN rollover_at IS NOT NULL AND start_value >= 0.9 * rollover_at THEN rollover_at - start_value + end_value
      ELSE end_value
    END AS kwh,
    CASE
      WHEN kind = 'power' OR end_value >= start_value THEN NULL
      WHEN rollover_at IS NOT NULL AND start_value >= 0.9 * rollover_at THEN 'rollover'
      ELSE 'reset'
    END AS counter_event
  FROM intervals
  WHERE interval_start IS NOT NULL
),
zones AS (
  SELECT DISTINCT site, time_zone FROM `${project}.${dataset}.tariffs`
),
located AS (
  SELECT
    e.*,
    z.time_zone,
    DATETIME(e.interval_start, z.time_zone) AS local_start,
    DATE(e.interval_start, z.time_zone) AS local_day,
    EXTRACT(DAYOFWEEK FROM DATETIME(e.interval_start, z.time_zone)) AS local_weekday,
    EXTRACT(HOUR FROM DATETIME(e.interval_start, z.time_zone)) AS local_hour
  FROM energy AS e
  JOIN zones AS z ON z.site = e.site
)
SELECT
  l.site,
  l.tag,
  l.kind AS meter_kind,
  l.local_day,
  l.local_start,
  l.time_zone,
  l.interval_start,
  l.interval_end,
  l.start_value,
  l.end_value,
  l.counter_event,
  l.kwh,
  t.tariff,
  t.band,
  t.price_per_kwh,
  t.currency,
  l.kwh * t.price_per_kwh AS cost
FROM located AS l
LEFT JOIN `${project}.${dataset}.tariffs` AS t
  ON t.site = l.site
  AND t.weekday = l.local_weekday
  AND t.hour = l.local_hour
  AND t.valid_from <= l.local_day
  AND (t.valid_to IS NULL OR l.local_day < t.valid_to)
