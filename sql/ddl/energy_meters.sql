-- energy_meters: Energy meters costed under their site tariff (config tariffs/tariffs.yaml); rewritten whole by each daily run. Same shape as schemas/bigquery/energy_meters.json.
CREATE TABLE IF NOT EXISTS `${project}.${dataset}.energy_meters` (
  site STRING NOT NULL OPTIONS (description = 'Site of the meter'),
  tag STRING NOT NULL OPTIONS (description = 'KKS code of the meter tag, normalised'),
  kind STRING NOT NULL OPTIONS (description = 'register (cumulative kWh) or power (kW, integrated over time)'),
  rollover_at FLOAT64 OPTIONS (description = 'Value at which a register wraps to 0'),
  description STRING OPTIONS (description = 'Plain description'),
  tariffs_version STRING NOT NULL OPTIONS (description = 'Version of the tariffs file loaded')
)
CLUSTER BY site, tag
OPTIONS (description = 'Energy meters costed under their site tariff (config tariffs/tariffs.yaml)');
