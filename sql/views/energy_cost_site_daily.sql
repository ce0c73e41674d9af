-- Energy and cost per site and local day: every meter of the site together.
SELECT
  site,
  local_day,
  ANY_VALUE(currency) AS currency,
  COUNT(DISTINCT tag) AS meters,
  SUM(kwh) AS kwh,
  SUM(cost) AS cost,
  SUM(IF(cost IS NULL, kwh, 0)) AS unpriced_kwh
FROM `${project}.${dataset}.energy_cost_intervals`
GROUP BY site, local_day
