-- Top contributing alarms per site and day: activations of each tag and condition, their share
-- of the site's activations and their rank. ISA-18.2 / EEMUA 191 suggest that the 10 most
-- frequent alarms carry no more than about 1 % to 5 % of the load; WHERE rank <= 10 lists them.
WITH counts AS (
  SELECT site, DATE(reading_ts) AS day, tag, condition, COUNT(*) AS activations
  FROM `${project}.${dataset}.alarm_events`
  WHERE transition = 'active'
  GROUP BY site, day, tag, condition
)
SELECT
  site,
  day,
  tag,
  condition,
  activations,
  ROUND(activations / SUM(activations) OVER (PARTITION BY site, day), 4) AS share_of_site,
  ROW_NUMBER() OVER (PARTITION BY site, day ORDER BY activations DESC, tag, condition) AS rank
FROM counts
