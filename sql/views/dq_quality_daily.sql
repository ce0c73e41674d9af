-- Data quality per tag and UTC day: how many readings arrived and the share that were bad or
-- uncertain (OPC UA quality). Filter on `day`; BigQuery turns it into readings' partition filter.
SELECT
  site,
  tag,
  DATE(ts) AS day,
  COUNT(*) AS readings,
  COUNTIF(quality = 'good') AS good,
  COUNTIF(quality = 'uncertain') AS uncertain,
  COUNTIF(quality = 'bad') AS bad,
  ROUND(COUNTIF(quality = 'uncertain') / COUNT(*), 4) AS uncertain_share,
  ROUND(COUNTIF(quality = 'bad') / COUNT(*), 4) AS bad_share,
  ROUND(COUNTIF(quality != 'good') / COUNT(*), 4) AS not_good_share
FROM `${project}.${dataset}.readings`
GROUP BY site, tag, day
