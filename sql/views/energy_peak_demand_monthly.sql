-- Monthly peak demand per site, as a supplier bills it: the highest average power over a
-- 15-minute period (energy of all the site's meters in that quarter hour × 4), the quarter hour it
-- started, and the demand charge of the tariff valid then (peak_kw × demand_charge_per_kw).
-- Quarter hours are aligned on UTC, which matches local quarter hours in every zone whose offset is
-- a whole number of quarter hours (all of them today). An interval counts in the quarter it starts in.
WITH quarters AS (
  SELECT
    site,
    time_zone,
    TIMESTAMP_SECONDS(DIV(UNIX_SECONDS(interval_start), 900) * 900) AS quarter_start,
    SUM(kwh) AS kwh
  FROM `${project}.${dataset}.energy_cost_intervals`
  GROUP BY site, time_zone, quarter_start
),
monthly AS (
  SELECT
    site,
    DATE_TRUNC(DATE(quarter_start, time_zone), MONTH) AS month,
    MAX(kwh * 4) AS peak_kw,
    ARRAY_AGG(quarter_start ORDER BY kwh DESC, quarter_start LIMIT 1)[OFFSET(0)] AS peak_at,
    ANY_VALUE(time_zone) AS time_zone,
    COUNT(*) AS quarters
  FROM quarters
  GROUP BY site, month
),
periods AS (
  SELECT DISTINCT site, tariff, valid_from, valid_to, currency, demand_charge_per_kw FROM `${project}.${dataset}.tariffs`
)
SELECT
  m.site,
  m.month,
  m.peak_kw,
  m.peak_at,
  DATETIME(m.peak_at, m.time_zone) AS peak_local,
  m.quarters,
  p.tariff,
  p.currency,
  p.demand_charge_per_kw,
  m.peak_kw * p.demand_charge_per_kw AS demand_charge
FROM monthly AS m
LEFT JOIN periods AS p
  ON p.site = m.site
  AND p.valid_from <= DATE(m.peak_at, m.time_zone)
  AND (p.valid_to IS NULL OR DATE(m.peak_at, m.time_zone) < p.valid_to)
