-- Days of cover per site, product and day: the tanks holding a product together (those with a
-- balance that day), their stock, room and summed trend (tank_days_of_cover).
WITH sums AS (
  SELECT site, product, day, ANY_VALUE(volume_unit) AS volume_unit, COUNT(*) AS tanks,
    SUM(closing_stock) AS stock, SUM(capacity) AS capacity, SUM(trend_per_day) AS trend_per_day
  FROM `${project}.${dataset}.tank_days_of_cover`
  GROUP BY site, product, day
)
SELECT *,
  IF(trend_per_day < 0, stock / (0 - trend_per_day), NULL) AS days_to_empty,
  IF(trend_per_day > 0, (capacity - stock) / trend_per_day, NULL) AS days_to_full
FROM sums
