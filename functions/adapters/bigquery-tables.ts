// BigQuery table definitions for the client library, built from the same specs (resources.ts)
// and field lists (schemas/bigquery) that the Pulumi program uses, so a table created on the
// emulator or by the daily job has exactly the deployed shape.
import type { TableMetadata } from '@google-cloud/bigquery';
import type { TABLES, TableSpec } from '../core/resources.ts';
import readings from '../../schemas/bigquery/readings.json' with { type: 'json' };
import tags from '../../schemas/bigquery/tags.json' with { type: 'json' };
import alarmEvents from '../../schemas/bigquery/alarm_events.json' with { type: 'json' };
import loadAudit from '../../schemas/bigquery/load_audit.json' with { type: 'json' };
import tariffs from '../../schemas/bigquery/tariffs.json' with { type: 'json' };
import energyMeters from '../../schemas/bigquery/energy_meters.json' with { type: 'json' };
import tanks from '../../schemas/bigquery/tanks.json' with { type: 'json' };
import tankStrapping from '../../schemas/bigquery/tank_strapping.json' with { type: 'json' };

export interface FieldSchema {
  name: string;
  type: string;
  mode?: string;
  description?: string;
  fields?: FieldSchema[];
}

export const TABLE_FIELDS: Record<keyof typeof TABLES, FieldSchema[]> = {
  readings,
  tags,
  alarmEvents,
  loadAudit,
  tariffs,
  energyMeters,
  tanks,
  tankStrapping,
};

export function tableMetadata(spec: TableSpec, fields: FieldSchema[]): TableMetadata {
  return {
    description: spec.description,
    schema: { fields },
    ...(spec.partitionField ? { timePartitioning: { type: 'DAY', field: spec.partitionField } } : {}),
    ...(spec.clustering ? { clustering: { fields: [...spec.clustering] } } : {}),
    ...(spec.requirePartitionFilter ? { requirePartitionFilter: true } : {}),
  };
}
