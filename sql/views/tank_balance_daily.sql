-- Daily balance per tank (UTC days), the one a refinery uses to find leaks and meter faults:
-- opening stock (the previous day's closing reading, or the day's first when the day before has
-- none), closing stock (the day's last level reading), receipts and dispatches (the tank's inflow
-- and outflow tags, volume per hour, integrated by trapezoid over the intervals that end after the
-- opening reading and by the closing one, so stock and flows cover the same period), and
-- unexplained = closing − opening − receipts + dispatches: negative is a loss (leak, theft, a
-- meter reading high), positive a gain; unexplained_share divides it by the throughput
-- (receipts + dispatches; null without movements).
WITH daily AS (
  SELECT site, tank, day,
    MIN(ts) AS first_ts, MIN_BY(volume, ts) AS first_volume,
    MAX(ts) AS close_ts, MAX_BY(volume, ts) AS closing_stock,
    COUNT(*) AS level_readings, COUNTIF(out_of_range) AS out_of_range_readings
  FROM `${project}.${dataset}.tank_stock`
  GROUP BY site, tank, day
),
periods AS (
  SELECT *,
    LAG(day) OVER (PARTITION BY site, tank ORDER BY day) AS prev_day,
    LAG(close_ts) OVER (PARTITION BY site, tank ORDER BY day) AS prev_close_ts,
    LAG(closing_stock) OVER (PARTITION BY site, tank ORDER BY day) AS prev_closing
  FROM daily
),
opened AS (
  SELECT site, tank, day, close_ts, closing_stock, level_readings, out_of_range_readings,
    IF(prev_day = DATE_SUB(day, INTERVAL 1 DAY), prev_close_ts, first_ts) AS open_ts,
    IF(prev_day = DATE_SUB(day, INTERVAL 1 DAY), prev_closing, first_volume) AS opening_stock
  FROM periods
),
flow_tags AS (
  SELECT site, tank, tag, 'in' AS direction FROM `${project}.${dataset}.tanks`, UNNEST(inflow_tags) AS tag
  UNION ALL
  SELECT site, tank, tag, 'out' AS direction FROM `${project}.${dataset}.tanks`, UNNEST(outflow_tags) AS tag
),
flow_readings AS (
  SELECT f.site, f.tank, f.tag, f.direction, r.ts, r.value,
    LAG(r.ts) OVER (PARTITION BY f.site, f.tank, f.tag ORDER BY r.ts) AS prev_ts,
    LAG(r.value) OVER (PARTITION BY f.site, f.tank, f.tag ORDER BY r.ts) AS prev_value
  FROM `${project}.${dataset}.readings` AS r
  JOIN flow_tags AS f ON f.site = r.site AND f.tag = r.tag
  WHERE r.ts >= TIMESTAMP '1970-01-01 00:00:00+00' AND r.value IS NOT NULL AND r.quality != 'bad'
),
moved AS (
  SELECT o.site, o.tank, o.day,
    SUM(IF(f.direction = 'in', (f.prev_value + f.value) / 2 * TIMESTAMP_DIFF(f.ts, f.prev_ts, MICROSECOND) / 3600000000, 0)) AS receipts,
    SUM(IF(f.direction = 'out', (f.prev_value + f.value) / 2 * TIMESTAMP_DIFF(f.ts, f.prev_ts, MICROSECOND) / 3600000000, 0)) AS dispatches
  FROM opened AS o
  JOIN flow_readings AS f ON f.site = o.site AND f.tank = o.tank
  WHERE f.prev_ts IS NOT NULL AND f.ts > o.open_ts AND f.ts <= o.close_ts
  GROUP BY o.site, o.tank, o.day
)
SELECT
  o.site, o.tank, t.product, o.day,
  o.open_ts, o.opening_stock, o.close_ts, o.closing_stock,
  COALESCE(m.receipts, 0) AS receipts,
  COALESCE(m.dispatches, 0) AS dispatches,
  o.closing_stock - o.opening_stock AS stock_change,
  o.closing_stock - o.opening_stock - COALESCE(m.receipts, 0) + COALESCE(m.dispatches, 0) AS unexplained,
  SAFE_DIVIDE(o.closing_stock - o.opening_stock - COALESCE(m.receipts, 0) + COALESCE(m.dispatches, 0), COALESCE(m.receipts, 0) + COALESCE(m.dispatches, 0)) AS unexplained_share,
  t.capacity, t.volume_unit, o.level_readings, o.out_of_range_readings
FROM opened AS o
JOIN `${project}.${dataset}.tanks` AS t ON t.site = o.site AND t.tank = o.tank
LEFT JOIN moved AS m ON m.site = o.site AND m.tank = o.tank AND m.day = o.day
