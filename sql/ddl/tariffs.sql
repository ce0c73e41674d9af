-- tariffs: Energy price grid: one row per tariff period, local weekday and hour (config tariffs/tariffs.yaml); rewritten whole by each daily run. Same shape as schemas/bigquery/tariffs.json.
CREATE TABLE IF NOT EXISTS `${project}.${dataset}.tariffs` (
  tariff STRING NOT NULL OPTIONS (description = 'Tariff name'),
  site STRING NOT NULL OPTIONS (description = 'Site billed under the tariff'),
  time_zone STRING NOT NULL OPTIONS (description = 'IANA time zone of weekday and hour'),
  currency STRING NOT NULL OPTIONS (description = 'ISO 4217 currency code'),
  valid_from DATE NOT NULL OPTIONS (description = 'First local day the tariff applies (inclusive)'),
  valid_to DATE OPTIONS (description = 'Local day it stops applying (exclusive); null while open-ended'),
  weekday INT64 NOT NULL OPTIONS (description = 'Local weekday as DAYOFWEEK: 1 = Sunday ... 7 = Saturday'),
  hour INT64 NOT NULL OPTIONS (description = 'Local hour 0-23'),
  band STRING NOT NULL OPTIONS (description = 'Time-of-use band, e.g. peak'),
  price_per_kwh FLOAT64 NOT NULL OPTIONS (description = 'Energy price per kWh in currency'),
  demand_charge_per_kw FLOAT64 OPTIONS (description = 'Charge per kW of the monthly peak 15-minute demand'),
  tariffs_version STRING NOT NULL OPTIONS (description = 'Version of the tariffs file loaded')
)
CLUSTER BY site
OPTIONS (description = 'Energy price grid: one row per tariff period, local weekday and hour (config tariffs/tariffs.yaml)');
