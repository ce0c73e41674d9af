-- Stock of every storage tank (tables tanks and tank_strapping, from the tag catalog) at each level reading: the level
-- read through the tank's strapping table (linear between points, as functions/core/tanks.ts
-- volumeAt reads it for the live panel); a level outside the table takes the nearest end's volume
-- and is flagged out_of_range (a gauge fault, not a stock). Bad-quality and null readings are
-- skipped. Reads all level readings of the tanks (explicit ts condition for the partition filter);
-- filter on day.
WITH points AS (
  SELECT site, tank, level, volume FROM `${project}.${dataset}.tank_strapping`
),
-- Each point of the table with the next one up: the segments the volume is interpolated on.
segments AS (
  SELECT a.site, a.tank, a.level AS l0, a.volume AS v0, MIN(b.level) AS l1, MIN_BY(b.volume, b.level) AS v1
  FROM points AS a
  JOIN points AS b ON b.site = a.site AND b.tank = a.tank AND b.level > a.level
  GROUP BY a.site, a.tank, a.level, a.volume
),
bounds AS (
  SELECT site, tank, MIN(level) AS lmin, MAX(level) AS lmax FROM points GROUP BY site, tank
),
levels AS (
  SELECT t.site, t.tank, t.product, t.capacity, t.volume_unit, r.ts, r.value AS level,
    -- CASE, not LEAST/GREATEST: the bigquery-emulator compares those wrongly (README, known gaps).
    CASE WHEN r.value < b.lmin THEN b.lmin WHEN r.value > b.lmax THEN b.lmax ELSE r.value END AS clamped,
    r.value < b.lmin OR r.value > b.lmax AS out_of_range
  FROM `${project}.${dataset}.readings` AS r
  JOIN `${project}.${dataset}.tanks` AS t ON t.site = r.site AND t.level_tag = r.tag
  JOIN bounds AS b ON b.site = t.site AND b.tank = t.tank
  WHERE r.ts >= TIMESTAMP '1970-01-01 00:00:00+00' AND r.value IS NOT NULL AND r.quality != 'bad'
)
SELECT
  l.site, l.tank, l.product, DATE(l.ts) AS day, l.ts, l.level, l.out_of_range,
  s.v0 + (l.clamped - s.l0) / (s.l1 - s.l0) * (s.v1 - s.v0) AS volume,
  l.capacity, l.volume_unit
FROM levels AS l
JOIN segments AS s ON s.site = l.site AND s.tank = l.tank AND l.clamped >= s.l0 AND l.clamped <= s.l1
-- A level on a point lies in two segments, which give the same volume: keep the lower one.
QUALIFY ROW_NUMBER() OVER (PARTITION BY l.site, l.tank, l.ts ORDER BY s.l0) = 1
