-- Energy and cost per meter and local hour (an hour of the site's clock; across a daylight-saving
-- change the repeated hour appears twice, each with its own hour_start instant). An interval
-- counts in the hour it starts in. unpriced_kwh is energy on a day no tariff covers.
SELECT
  site,
  tag,
  local_day,
  DATETIME_TRUNC(local_start, HOUR) AS local_hour,
  TIMESTAMP_TRUNC(interval_start, HOUR, time_zone) AS hour_start,
  ANY_VALUE(band) AS band,
  ANY_VALUE(currency) AS currency,
  COUNT(*) AS intervals,
  SUM(kwh) AS kwh,
  SUM(cost) AS cost,
  SUM(IF(cost IS NULL, kwh, 0)) AS unpriced_kwh
FROM `${project}.${dataset}.energy_cost_intervals`
GROUP BY site, tag, local_day, local_hour, hour_start
