-- alarm_events: alarm transitions (active, cleared) raised by detect, loaded by the daily job from
-- alarm-events/dt=DAY/ (one row per event_id). Same shape as schemas/bigquery/alarm_events.json.
CREATE TABLE IF NOT EXISTS `${project}.${dataset}.alarm_events` (
  event_id STRING NOT NULL OPTIONS (description = 'Deterministic id of the transition (same input, same id)'),
  site STRING NOT NULL OPTIONS (description = 'Site of the tag'),
  tag STRING NOT NULL OPTIONS (description = 'KKS code, normalised'),
  condition STRING NOT NULL OPTIONS (description = 'HH, H, L, LL, ROC, STALE, BAD_QUALITY or STAT'),
  transition STRING NOT NULL OPTIONS (description = 'active or cleared'),
  value FLOAT64 OPTIONS (description = 'Value that caused the transition'),
  limit_value FLOAT64 OPTIONS (description = 'Limit crossed'),
  priority STRING NOT NULL OPTIONS (description = 'Alarm priority'),
  reading_ts TIMESTAMP NOT NULL OPTIONS (description = 'Event time of the reading behind the transition'),
  detected_at TIMESTAMP NOT NULL OPTIONS (description = 'When detect saw it'),
  rules_version STRING NOT NULL OPTIONS (description = 'Version of the rules that produced it'),
  late BOOL OPTIONS (description = 'True when found in late data: it happened at reading_ts and was reported at detected_at; null or false for live events')
)
PARTITION BY DATE(reading_ts)
CLUSTER BY site, tag
OPTIONS (description = 'Alarm transitions (active, cleared) raised by detect');
