// The one shape behind plantlake's log-based alerts: a counter metric over the functions'
// structured log entries (one label to group by), and an alert policy that fires when that
// counter passes a threshold within a window. observability.ts, ops-alerts.ts and
// detect-alerts.ts declare what to count; this module declares how.
// https://cloud.google.com/logging/docs/logs-based-metrics/counter-metrics
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

/** Logs of Cloud Run services: 2nd-gen functions and the panel. */
export const RUN_LOGS = `resource.type="cloud_run_revision"`;

/** The pointer every alert policy carries to its README runbook entry (checked by a test). */
export const runbook = (section: string) => `\n\nRunbook: README.md, section "Runbook", entry "${section}".`;

export interface MetricLabel {
  readonly key: string;
  /** Log field it is taken from, e.g. EXTRACT(jsonPayload.site). */
  readonly extractor: string;
  readonly description: string;
}

/** A DELTA INT64 counter of the log entries `filter` matches, by one label. */
export function logCountMetric(
  resourceName: string,
  args: { readonly name: string; readonly description: string; readonly filter: pulumi.Input<string>; readonly label: MetricLabel },
  opts: pulumi.CustomResourceOptions,
): gcp.logging.Metric {
  return new gcp.logging.Metric(
    resourceName,
    {
      name: args.name,
      description: args.description,
      filter: args.filter,
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        unit: '1',
        labels: [{ key: args.label.key, valueType: 'STRING', description: args.label.description }],
      },
      labelExtractors: { [args.label.key]: args.label.extractor },
    },
    opts,
  );
}

export interface CountPolicyArgs {
  readonly displayName: string;
  readonly severity: 'WARNING' | 'ERROR' | 'CRITICAL';
  readonly conditionName: string;
  readonly metric: gcp.logging.Metric;
  /** Fires when the count within `windowSeconds` is above this. */
  readonly threshold: number;
  readonly windowSeconds: number;
  /** Series to report apart (the incident names the site, function, outcome…). */
  readonly groupBy: string;
  readonly autoCloseSeconds: number;
  readonly documentation: string;
  readonly notificationChannels: pulumi.Input<pulumi.Input<string>[]>;
  readonly userLabels: Readonly<Record<string, string>>;
}

/** An alert policy on a log counter: more than `threshold` entries in a window, per group. */
export function logCountPolicy(resourceName: string, args: CountPolicyArgs, opts: pulumi.CustomResourceOptions): gcp.monitoring.AlertPolicy {
  return new gcp.monitoring.AlertPolicy(
    resourceName,
    {
      displayName: args.displayName,
      combiner: 'OR',
      severity: args.severity,
      conditions: [
        {
          displayName: args.conditionName,
          conditionThreshold: {
            filter: pulumi.interpolate`${RUN_LOGS} AND metric.type="logging.googleapis.com/user/${args.metric.name}"`,
            comparison: 'COMPARISON_GT',
            thresholdValue: args.threshold,
            duration: '0s',
            aggregations: [
              {
                alignmentPeriod: `${args.windowSeconds}s`,
                perSeriesAligner: 'ALIGN_SUM',
                crossSeriesReducer: 'REDUCE_SUM',
                groupByFields: [`metric.label.${args.groupBy}`],
              },
            ],
          },
        },
      ],
      alertStrategy: { autoClose: `${args.autoCloseSeconds}s` },
      documentation: { mimeType: 'text/markdown', content: args.documentation },
      notificationChannels: args.notificationChannels,
      userLabels: { ...args.userLabels },
    },
    opts,
  );
}
