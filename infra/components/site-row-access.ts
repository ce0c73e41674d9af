// Row access per site in BigQuery, from the panel's access config: on readings and alarm_events,
// one policy per site (site = "S") for that site's principals, and a TRUE policy for everyone who
// reads or rewrites whole tables: head office, the analysts group and the daily function (its
// day replacement is DML, which BigQuery allows only with full row access). Once a table has a
// row access policy, a principal in none of them sees no rows, so the TRUE policy is not optional.
// https://cloud.google.com/bigquery/docs/using-row-level-security-with-features#the_true_filter
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { TABLES } from '../../functions/core/resources.ts';
import type { PanelAccess } from '../../functions/core/panel-access.ts';
import { ROLES } from '../iam.ts';

export const SITE_FILTERED_TABLES = [TABLES.readings.name, TABLES.alarmEvents.name] as const;

export interface SiteRowAccessArgs {
  readonly project: string;
  readonly dataset: gcp.bigquery.Dataset;
  readonly tables: Readonly<Record<string, gcp.bigquery.Table>>;
  readonly access: PanelAccess;
  /** Members with every row: the analysts group and the daily function's account. */
  readonly fullAccess: readonly pulumi.Input<string>[];
}

/** BigQuery row access policy ids allow letters, digits and underscores. */
export const sitePolicyId = (site: string) => `site_${site.replace(/[^A-Za-z0-9]/g, '_')}`;

export class SiteRowAccess extends pulumi.ComponentResource {
  constructor(name: string, args: SiteRowAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:SiteRowAccess', name, {}, opts);
    const parent = { parent: this };
    const sites = Object.entries(args.access.sites).filter(([, members]) => members.length > 0);
    for (const table of SITE_FILTERED_TABLES) {
      const t = args.tables[table];
      if (t === undefined) throw new Error(`SiteRowAccess: table ${table} is not in the warehouse`);
      new gcp.bigquery.RowAccessPolicy(
        `rap-${table}-all-sites`,
        {
          project: args.project,
          datasetId: args.dataset.datasetId,
          tableId: t.tableId,
          policyId: 'all_sites',
          filterPredicate: 'TRUE',
          grantees: [...args.access.headOffice, ...args.fullAccess],
        },
        parent,
      );
      for (const [site, members] of sites) {
        new gcp.bigquery.RowAccessPolicy(
          `rap-${table}-${site}`,
          {
            project: args.project,
            datasetId: args.dataset.datasetId,
            tableId: t.tableId,
            policyId: sitePolicyId(site),
            filterPredicate: `site = ${JSON.stringify(site)}`,
            grantees: [...members],
          },
          parent,
        );
      }
    }
    // Site principals query their rows: data access on the dataset, jobs on the project.
    const members = [...new Set(sites.flatMap(([, m]) => m))].sort();
    for (const m of members) {
      const id = m.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      new gcp.bigquery.DatasetIamMember(`site-reader-${id}`, { datasetId: args.dataset.datasetId, role: ROLES.dataViewer, member: m }, parent);
      new gcp.projects.IAMMember(`site-jobs-${id}`, { project: args.project, role: ROLES.jobUser, member: m }, parent);
    }
    this.registerOutputs({});
  }
}
