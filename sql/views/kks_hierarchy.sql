-- The KKS hierarchy (VGB-B 105 breakdown levels) of every known tag: plant (level 0), system
-- (level 1, function key), equipment unit (level 2) and component (level 3), with what the
-- catalog says about it and how many tags share each level. Reads `tags` only (no partition filter).
SELECT
  plant,
  function_key AS system,
  equipment_unit,
  component,
  measured_quantity,
  site,
  tag,
  description,
  area,
  equipment,
  unit,
  legacy_name,
  in_catalog,
  first_seen,
  last_seen,
  CONCAT(IFNULL(plant, '?'), ' / ', IFNULL(function_key, '?'), ' / ', IFNULL(equipment_unit, '-')) AS path,
  COUNT(*) OVER (PARTITION BY site, plant) AS tags_in_plant,
  COUNT(*) OVER (PARTITION BY site, plant, function_key) AS tags_in_system,
  COUNT(*) OVER (PARTITION BY site, plant, function_key, equipment_unit) AS tags_in_equipment_unit
FROM `${project}.${dataset}.tags`
