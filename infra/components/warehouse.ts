// The warehouse: the BigQuery dataset, its tables (field lists from schemas/bigquery, layout from
// resources.ts TABLES) and the views in sql/views. Analysts read the dataset and run jobs; they
// get nothing else.
import { readFileSync } from 'node:fs';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { BIGQUERY_STORAGE_BILLING, BIGQUERY_TIME_TRAVEL_HOURS, DATASET, TABLES, type TableSpec } from '../../functions/core/resources.ts';
import { ROLES } from '../iam.ts';
import type { ViewSpec } from '../views.ts';

export interface WarehouseArgs {
  readonly project: string;
  readonly location: string;
  readonly protect: boolean;
  /** Google group e-mail of the analysts. */
  readonly analystGroup: string;
  /** Views read from sql/views (views.ts), dependencies first. */
  readonly views: readonly ViewSpec[];
}

const SCHEMAS = new URL('../../schemas/bigquery/', import.meta.url);

/** The field list of a table, as in schemas/bigquery/<file>. */
export function tableSchema(spec: TableSpec): unknown[] {
  const fields: unknown = JSON.parse(readFileSync(new URL(spec.schemaFile, SCHEMAS), 'utf8'));
  if (!Array.isArray(fields)) throw new Error(`schemas/bigquery/${spec.schemaFile} must hold a JSON array of fields`);
  return fields;
}

export class Warehouse extends pulumi.ComponentResource {
  readonly dataset: gcp.bigquery.Dataset;
  readonly tables: Readonly<Record<string, gcp.bigquery.Table>>;
  readonly views: Readonly<Record<string, gcp.bigquery.Table>>;

  constructor(name: string, args: WarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:Warehouse', name, {}, opts);
    const stateful = { parent: this, protect: args.protect };

    this.dataset = new gcp.bigquery.Dataset(
      'dataset',
      {
        datasetId: DATASET,
        location: args.location,
        description: 'plantlake: plant sensor readings keyed by KKS code, alarm events, tag catalog, load audit',
        deleteContentsOnDestroy: !args.protect,
        deletionPolicy: args.protect ? 'PREVENT' : 'DELETE',
        storageBillingModel: BIGQUERY_STORAGE_BILLING,
        maxTimeTravelHours: String(BIGQUERY_TIME_TRAVEL_HOURS),
      },
      stateful,
    );

    const tables: Record<string, gcp.bigquery.Table> = {};
    for (const spec of Object.values(TABLES) as TableSpec[]) {
      tables[spec.name] = new gcp.bigquery.Table(
        spec.name,
        {
          datasetId: this.dataset.datasetId,
          tableId: spec.name,
          description: spec.description,
          schema: JSON.stringify(tableSchema(spec)),
          timePartitioning: spec.partitionField ? { type: 'DAY', field: spec.partitionField } : undefined,
          requirePartitionFilter: spec.requirePartitionFilter ?? false,
          clusterings: spec.clustering ? [...spec.clustering] : undefined,
          deletionProtection: args.protect,
        },
        stateful,
      );
    }
    this.tables = tables;

    const views: Record<string, gcp.bigquery.Table> = {};
    for (const view of args.views) {
      views[view.name] = new gcp.bigquery.Table(
        `view-${view.name}`,
        {
          datasetId: this.dataset.datasetId,
          tableId: view.name,
          description: `View from ${view.file}`,
          view: { query: view.query, useLegacySql: false },
          // A view holds no data and is recreated from the repository.
          deletionProtection: false,
        },
        {
          parent: this,
          dependsOn: [...Object.values(tables), ...view.dependsOnViews.flatMap((d) => views[d] ?? [])],
        },
      );
    }
    this.views = views;

    // Analysts: read every table and view of the dataset, and run query jobs. Job creation is a
    // project permission and cannot be granted lower; it gives no access to data by itself.
    // https://cloud.google.com/bigquery/docs/access-control#bigquery.jobUser
    const analysts = `group:${args.analystGroup}`;
    new gcp.bigquery.DatasetIamMember(
      'analysts-data-viewer',
      { datasetId: this.dataset.datasetId, role: ROLES.dataViewer, member: analysts },
      { parent: this },
    );
    new gcp.projects.IAMMember('analysts-job-user', { project: args.project, role: ROLES.jobUser, member: analysts }, { parent: this });

    this.registerOutputs({
      dataset: this.dataset.datasetId,
      tables: Object.keys(tables),
      views: Object.keys(views),
    });
  }
}
