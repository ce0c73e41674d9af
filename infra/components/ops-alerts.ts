// Alerts on what goes wrong quietly, each a log-based metric counted by an alert policy whose
// documentation is the runbook entry (README "Runbook"): quarantine volume per site, detect
// batches skipped (invalid, or no usable rules), notify failing to reach the chat webhook, and the
// daily job's partial and failed summaries. Dead letters are watched in observability.ts on
// Pub/Sub's own metrics. The log contract (jsonPayload.event / outcome) is written by the
// functions; LOG_EVENTS in functions/core/resources.ts names the events.
import type * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { LOG_EVENTS } from '../../functions/core/resources.ts';
import { logCountMetric, logCountPolicy, RUN_LOGS, runbook, type MetricLabel } from './log-alerts.ts';

export { runbook } from './log-alerts.ts';

export interface OpsAlertsArgs {
  readonly stack: string;
  readonly notificationChannels: pulumi.Input<string>[];
  readonly userLabels: Readonly<Record<string, string>>;
  /** Cloud Run service of the daily function. */
  readonly dailyService: pulumi.Input<string>;
  /** Quarantined messages per site per hour above which to alert. */
  readonly quarantinePerSiteHourly: number;
}

interface CountAlert {
  /** Resource name of metric (plantlake-<name>) and policy. */
  readonly name: string;
  readonly title: string;
  readonly severity: 'WARNING' | 'ERROR' | 'CRITICAL';
  readonly service: pulumi.Input<string>;
  /** Extra log filter after the service. */
  readonly match: string;
  /** Metric label (key, extractor) to group and report by. */
  readonly label: MetricLabel;
  readonly threshold: number;
  readonly windowSeconds: number;
  readonly documentation: string;
}

export function opsAlertSpecs(args: Pick<OpsAlertsArgs, 'dailyService' | 'quarantinePerSiteHourly'>): CountAlert[] {
  return [
    {
      name: 'quarantine-volume',
      title: 'quarantine volume per site',
      severity: 'WARNING',
      service: 'land',
      match: `jsonPayload.event="${LOG_EVENTS.landBatch}" AND jsonPayload.outcome="quarantined"`,
      label: { key: 'site', extractor: 'EXTRACT(jsonPayload.site)', description: 'Site of the quarantined message (its site attribute or ordering key)' },
      threshold: args.quarantinePerSiteHourly,
      windowSeconds: 3600,
      documentation:
        `More than ${args.quarantinePerSiteHourly} messages of one site were quarantined within an hour: a gateway sends batches land cannot read ` +
        '(a clock fault, a wrong tag format, a broken encoder). Nothing is lost: each message is kept with its reason and exact bytes under ' +
        'gs://<prefix>-raw/quarantine/. Look: `plantlake status` lists the newest quarantine records and their reasons by site. ' +
        "Fix the sender (its reason names the field), then republish the kept bytes (`plantlake publish` of a corrected file, or publish the record's payload again)." +
        runbook('quarantine volume per site'),
    },
    {
      name: 'detect-skipped',
      title: 'detect skipped batches',
      severity: 'ERROR',
      service: 'detect',
      match: `jsonPayload.event="${LOG_EVENTS.detectBatch}" AND jsonPayload.outcome=("skipped-invalid" OR "no-rules")`,
      label: { key: 'outcome', extractor: 'EXTRACT(jsonPayload.outcome)', description: 'skipped-invalid or no-rules' },
      threshold: 0,
      windowSeconds: 300,
      documentation:
        'detect evaluated no alarms for some batches: `no-rules` means gs://<prefix>-config/rules/rules.yaml is missing or invalid, so NO alarm ' +
        'is raised for anything (see detect.rules-invalid in the logs); `skipped-invalid` means batches land quarantines. ' +
        'Look: `plantlake rules validate config/rules.yaml` and `plantlake status`. Fix: push a valid rules file ' +
        '(`plantlake rules push config/rules.yaml --config-bucket <prefix>-config`); for invalid batches, as for quarantine volume.' +
        runbook('detect skipped batches'),
    },
    {
      name: 'notify-webhook-failing',
      title: 'notify cannot reach the chat webhook',
      severity: 'ERROR',
      service: 'notify',
      match: `jsonPayload.event=("${LOG_EVENTS.notifyWebhookFailed}" OR "${LOG_EVENTS.notifyWebhookRefused}")`,
      label: { key: 'outcome', extractor: 'EXTRACT(jsonPayload.event)', description: 'notify.webhook-failed (retried) or notify.webhook-refused (given up)' },
      threshold: 0,
      windowSeconds: 300,
      documentation:
        'Alarm notifications did not reach the chat channel. `notify.webhook-failed`: the webhook did not answer or answered 5xx/429; ' +
        'Pub/Sub retries the alert and finally dead-letters it (alerts-dead-letter-hold). `notify.webhook-refused`: it answered 4xx or a redirect; ' +
        "retrying will not help. The e-mail path (alarmEmails) still carried each alarm. Look: `plantlake status` (alerts dead letters waiting) and the entries' message in Logs Explorer " +
        '(the URL itself is never logged). Fix: a revoked or moved hook needs a new URL: `pulumi config set --secret plantlake:chatWebhookUrl …` and `pulumi up`; ' +
        'then replay the alerts dead letters.' +
        runbook('notify cannot reach the chat webhook'),
    },
    {
      name: 'daily-failed',
      title: 'daily run failed',
      severity: 'ERROR',
      service: args.dailyService,
      match: `jsonPayload.event="${LOG_EVENTS.dailySummary}" AND jsonPayload.status="failed"`,
      label: { key: 'status', extractor: 'EXTRACT(jsonPayload.status)', description: 'failed' },
      threshold: 0,
      windowSeconds: 300,
      documentation:
        "A daily run could not load at least one day; the summary entry's failedDays and message name the day, the file and what to do. " +
        'Days that loaded are kept; the failed day keeps its previous rows and the next run retries it. Look: `plantlake status` (last loads) ' +
        'and load_audit.error. Fix what the message names, then `plantlake rebuild --day D` or let the next scheduled run retry.' +
        runbook('daily run failed'),
    },
    {
      name: 'daily-partial',
      title: 'daily run partial',
      severity: 'WARNING',
      service: args.dailyService,
      match: `jsonPayload.event="${LOG_EVENTS.dailySummary}" AND jsonPayload.status="partial"`,
      label: { key: 'status', extractor: 'EXTRACT(jsonPayload.status)', description: 'partial' },
      threshold: 0,
      windowSeconds: 300,
      documentation:
        'A scheduled daily run reached its time budget and deferred days (deferredDays in the summary) to the next run. Harmless once; ' +
        'every day means the backlog grows faster than one run loads it (a large late back-fill). Look: `plantlake status`. ' +
        'Fix: run the back-fill from the CLI, which has no time budget: `plantlake backfill --from D --to D` (it waits for the lease of a running scheduled run).' +
        runbook('daily run partial'),
    },
  ];
}

export class OpsAlerts extends pulumi.ComponentResource {
  readonly metrics: gcp.logging.Metric[] = [];
  readonly policies: gcp.monitoring.AlertPolicy[] = [];

  constructor(name: string, args: OpsAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:OpsAlerts', name, {}, opts);
    const child = { parent: this };
    for (const spec of opsAlertSpecs(args)) {
      const metric = logCountMetric(
        spec.name,
        {
          name: `plantlake-${spec.name}`,
          description: `plantlake: ${spec.title}`,
          filter: pulumi.interpolate`${RUN_LOGS} AND resource.labels.service_name="${spec.service}" AND ${spec.match}`,
          label: spec.label,
        },
        child,
      );
      this.metrics.push(metric);
      this.policies.push(
        logCountPolicy(
          spec.name,
          {
            displayName: `plantlake ${args.stack}: ${spec.title}`,
            severity: spec.severity,
            conditionName: `${spec.title}: more than ${spec.threshold} in ${spec.windowSeconds / 60} min`,
            metric,
            threshold: spec.threshold,
            windowSeconds: spec.windowSeconds,
            groupBy: spec.label.key,
            autoCloseSeconds: 86_400,
            documentation: spec.documentation,
            notificationChannels: args.notificationChannels,
            userLabels: args.userLabels,
          },
          child,
        ),
      );
    }
    this.registerOutputs({ policies: this.policies.map((p) => p.name) });
  }
}
