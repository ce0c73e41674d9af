-- Days of cover per tank and day: the trend is the mean daily stock change over the last 7
-- balance days (that day and the 6 before it with data); falling, days_to_empty = closing stock /
-- the fall per day (written 0 − x: the bigquery-emulator has no unary minus); rising, days_to_full = room left below capacity / the rise per day.
WITH trend AS (
  SELECT site, tank, product, day, closing_stock, capacity, volume_unit,
    AVG(stock_change) OVER (PARTITION BY site, tank ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS trend_per_day,
    COUNT(*) OVER (PARTITION BY site, tank ORDER BY day ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS trend_days
  FROM `${project}.${dataset}.tank_balance_daily`
)
SELECT *,
  IF(trend_per_day < 0, closing_stock / (0 - trend_per_day), NULL) AS days_to_empty,
  IF(trend_per_day > 0, (capacity - closing_stock) / trend_per_day, NULL) AS days_to_full
FROM trend
