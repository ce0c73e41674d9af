-- Energy and cost per meter and local day of the site, by band, with the counter events seen
-- (resets and rollovers of a register: worth a look, the energy is counted across them).
SELECT
  site,
  tag,
  local_day,
  ANY_VALUE(currency) AS currency,
  COUNT(*) AS intervals,
  SUM(kwh) AS kwh,
  SUM(cost) AS cost,
  SUM(IF(band = 'peak', kwh, 0)) AS peak_kwh,
  SUM(IF(cost IS NULL, kwh, 0)) AS unpriced_kwh,
  COUNTIF(counter_event = 'reset') AS resets,
  COUNTIF(counter_event = 'rollover') AS rollovers
FROM `${project}.${dataset}.energy_cost_intervals`
GROUP BY site, tag, local_day
