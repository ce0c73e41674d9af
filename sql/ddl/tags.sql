-- tags: the KKS tag catalog (catalog/tags.yaml in the config bucket) joined with the tags seen in
-- readings; rewritten whole by each daily run. Same shape as schemas/bigquery/tags.json.
CREATE TABLE IF NOT EXISTS `${project}.${dataset}.tags` (
  tag STRING NOT NULL OPTIONS (description = 'KKS code, normalised'),
  site STRING OPTIONS (description = 'Site the tag belongs to'),
  description STRING OPTIONS (description = 'Plain description from the tag catalog'),
  unit STRING OPTIONS (description = 'Engineering unit from the catalog'),
  area STRING OPTIONS (description = 'Plant area, e.g. tank farm'),
  equipment STRING OPTIONS (description = 'Equipment name, e.g. feed pump A'),
  legacy_name STRING OPTIONS (description = 'Name in the legacy SCADA/DCS'),
  plant STRING OPTIONS (description = 'KKS breakdown level 0: total plant'),
  function_key STRING OPTIONS (description = 'KKS breakdown level 1: system (function key)'),
  equipment_unit STRING OPTIONS (description = 'KKS breakdown level 2: equipment unit key'),
  component STRING OPTIONS (description = 'KKS breakdown level 3: component key'),
  measured_quantity STRING OPTIONS (description = 'Quantity told by the equipment unit letters (pressure, temperature, flow, level, ...)'),
  in_catalog BOOL NOT NULL OPTIONS (description = 'True when the tag is in the catalog, false when only seen in readings'),
  first_seen TIMESTAMP OPTIONS (description = 'Earliest reading loaded for the tag'),
  last_seen TIMESTAMP OPTIONS (description = 'Latest reading loaded for the tag'),
  updated_at TIMESTAMP NOT NULL OPTIONS (description = 'When the daily job last refreshed this row')
)
CLUSTER BY site, tag
OPTIONS (description = 'KKS tag catalog joined with the tags seen in readings');
