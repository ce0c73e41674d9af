-- tanks: Storage tanks of the tag catalog: product, capacity, level and flow tags (config catalog/tags.yaml); rewritten whole by each daily run. Same shape as schemas/bigquery/tanks.json.
CREATE TABLE IF NOT EXISTS `${project}.${dataset}.tanks` (
  site STRING NOT NULL OPTIONS (description = 'Site of the tank'),
  tank STRING NOT NULL OPTIONS (description = 'Tank name, unique per site'),
  product STRING NOT NULL OPTIONS (description = 'Product stored'),
  description STRING OPTIONS (description = 'Plain description'),
  level_tag STRING NOT NULL OPTIONS (description = 'KKS code of the level measurement'),
  capacity FLOAT64 NOT NULL OPTIONS (description = 'Safe fill capacity in volume_unit'),
  volume_unit STRING NOT NULL OPTIONS (description = 'Volume unit, e.g. m3'),
  inflow_tags ARRAY<STRING> OPTIONS (description = 'Flow tags into the tank (receipts), volume_unit per hour'),
  outflow_tags ARRAY<STRING> OPTIONS (description = 'Flow tags out of the tank (dispatches), volume_unit per hour'),
  catalog_version STRING OPTIONS (description = 'Version of the tag catalog loaded')
)
CLUSTER BY site, tank
OPTIONS (description = 'Storage tanks of the tag catalog: product, capacity, level and flow tags (config catalog/tags.yaml)');
