-- tank_strapping: the strapping table of every tank in the tag catalog (level -> volume), one row per point; rewritten whole by each daily run. Same shape as schemas/bigquery/tank_strapping.json.
CREATE TABLE IF NOT EXISTS `${project}.${dataset}.tank_strapping` (
  site STRING NOT NULL OPTIONS (description = 'Site of the tank'),
  tank STRING NOT NULL OPTIONS (description = 'Tank name'),
  level FLOAT64 NOT NULL OPTIONS (description = 'Level in the level tag unit'),
  volume FLOAT64 NOT NULL OPTIONS (description = 'Volume at that level, in the tank volume_unit; linear between points'),
  catalog_version STRING OPTIONS (description = 'Version of the tag catalog loaded')
)
CLUSTER BY site, tank
OPTIONS (description = 'Strapping tables of the catalog tanks: one row per point (config catalog/tags.yaml)');
