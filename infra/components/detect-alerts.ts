// Operations alerts that guard alarm coverage, by e-mail to alertEmails:
//   - "no readings from site S": land logs one `land.batch` entry per batch with the site
//     (outcome landed | already-landed); a log-based metric counts them per site, and a
//     metric-absence condition fires for each site whose count stops for SITE_SILENT_MINUTES;
//   - "alarm rules unusable": detect logs `detect.rules-invalid` (a new rules generation that does
//     not parse), `detect.rules-missing` (the object is gone; the last good rules stay in use) and
//     `detect.batch` with outcome `no-rules` (an instance without any rules: the batch is retried).
// https://cloud.google.com/monitoring/alerts/types-of-conditions#metric-absence
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { DETECT_LOG_EVENTS, LAND_BATCH_EVENT } from '../../functions/core/resources.ts';
import { logCountMetric, logCountPolicy, RUN_LOGS, runbook } from './log-alerts.ts';

export interface DetectAlertsArgs {
  readonly stack: string;
  readonly notificationChannels: pulumi.Input<pulumi.Input<string>[]>;
  /** Cloud Run services of land and detect (their function names). */
  readonly landService: pulumi.Input<string>;
  readonly detectService: pulumi.Input<string>;
}

/** A site without a landed batch this long is reported (gateways send every few seconds). */
export const SITE_SILENT_MINUTES = 10;

export class DetectAlerts extends pulumi.ComponentResource {
  readonly metrics: gcp.logging.Metric[];
  readonly policies: gcp.monitoring.AlertPolicy[];

  constructor(name: string, args: DetectAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:DetectAlerts', name, {}, opts);
    const child = { parent: this };
    const userLabels = { app: 'plantlake', env: args.stack };

    const siteBatches = logCountMetric(
      'site-batches',
      {
        name: 'plantlake-site-batches',
        description: `Batches landed per site (jsonPayload.event="${LAND_BATCH_EVENT}")`,
        filter: pulumi.interpolate`${RUN_LOGS} AND resource.labels.service_name="${args.landService}" AND jsonPayload.event="${LAND_BATCH_EVENT}" AND jsonPayload.outcome=("landed" OR "already-landed")`,
        label: { key: 'site', extractor: 'EXTRACT(jsonPayload.site)', description: 'Site of the batch' },
      },
      child,
    );
    const rulesProblems = logCountMetric(
      'rules-problems',
      {
        name: 'plantlake-rules-problems',
        description: 'detect entries saying the alarm rules are invalid, missing, or absent altogether (batches retried)',
        filter: pulumi.interpolate`${RUN_LOGS} AND resource.labels.service_name="${args.detectService}" AND (jsonPayload.event=("${DETECT_LOG_EVENTS.rulesInvalid}" OR "${DETECT_LOG_EVENTS.rulesMissing}") OR (jsonPayload.event="${DETECT_LOG_EVENTS.batch}" AND jsonPayload.outcome="no-rules"))`,
        label: { key: 'event', extractor: 'EXTRACT(jsonPayload.event)', description: 'detect.rules-invalid, detect.rules-missing or detect.batch (no-rules)' },
      },
      child,
    );

    const silentSite = new gcp.monitoring.AlertPolicy(
      'site-silent',
      {
        displayName: `plantlake ${args.stack}: no readings from a site for ${SITE_SILENT_MINUTES} minutes`,
        combiner: 'OR',
        severity: 'ERROR',
        conditions: [
          {
            displayName: `A site landed no batch for ${SITE_SILENT_MINUTES} minutes`,
            conditionAbsent: {
              filter: pulumi.interpolate`${RUN_LOGS} AND metric.type="logging.googleapis.com/user/${siteBatches.name}"`,
              duration: `${SITE_SILENT_MINUTES * 60}s`,
              // One series per site: the incident names the silent site.
              aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['metric.label.site'] }],
            },
          },
        ],
        documentation: {
          mimeType: 'text/markdown',
          content:
            'A site (metric.label.site in the incident) has sent no readings. Its tags with a stale rule raise STALE ' +
            '(the STALE sweep runs every minute). Check the gateway and its link; a gateway that buffers sends the gap ' +
            "when it is back, and the history fills in. npx `plantlake status` shows the raw zone's newest days and " +
            'quarantine (a gateway whose batches are all refused looks silent too).' +
            runbook('no readings from a site'),
        },
        notificationChannels: args.notificationChannels,
        userLabels,
      },
      child,
    );
    const rules = logCountPolicy(
      'rules-unusable',
      {
        displayName: `plantlake ${args.stack}: alarm rules missing or invalid`,
        severity: 'CRITICAL',
        conditionName: 'detect reported invalid, missing or no alarm rules',
        metric: rulesProblems,
        threshold: 0,
        windowSeconds: 60,
        groupBy: 'event',
        autoCloseSeconds: 1800,
        documentation:
          'detect could not use gs://<prefix>-config/rules/rules.yaml. detect.rules-invalid: the new file does not parse ' +
          '(the previous rules stay in use; the log entry has the reason): fix and upload it with `npx plantlake rules push`. ' +
          'detect.rules-missing: the object is gone (the last good rules stay in use in warm instances). ' +
          'no-rules: an instance has no rules at all and its batches are retried, then dead-lettered: upload rules, then replay the dead letters. ' +
          'Check a rules file first with npx `plantlake rules validate FILE`.' +
          runbook('alarm rules missing or invalid'),
        notificationChannels: args.notificationChannels,
        userLabels,
      },
      child,
    );
    this.metrics = [siteBatches, rulesProblems];
    this.policies = [silentSite, rules];
    this.registerOutputs({ policies: this.policies.map((p) => p.name) });
  }
}
