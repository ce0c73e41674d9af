// Operations alerts, by e-mail: dead letters (waiting, or any one forwarded), function errors,
// and a daily load that did not happen; ops-alerts.ts adds what goes wrong quietly (quarantine
// volume, detect skipping, webhook failing, daily partial/failed). Runbook: README "Runbook". Log contract the functions follow (structured JSON on stdout, one object per line,
// which Cloud Run turns into jsonPayload; https://cloud.google.com/run/docs/logging#using-json):
//   - any entry with "severity": "ERROR" (or worse) from a function counts as a function error,
//     except notify's alarm notifications ("event": "alarm.notification");
//   - the daily function ends every run with exactly one summary entry
//       { "severity": "INFO" | "WARNING" | "ERROR", "event": "daily.summary",
//         "status": "succeeded" | "partial" | "failed", "runId": …, "days": [...], "message": … }
//     "succeeded" when every day it meant to load was loaded (a run with nothing to load
//     succeeds), "partial" when its time budget left days for the next run. No succeeded summary
//     for 25 hours raises "daily load missing" (so does a backlog that stays partial that long);
//   - notify logs each alarm notification it sends (contract in alarm-email.ts), which a
//     log-based alert policy mails to alarmEmails.
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { DEAD_LETTER_SUBSCRIPTIONS, FUNCTIONS, LOG_EVENTS, SUBSCRIPTIONS } from '../../functions/core/resources.ts';
import { alarmEmailPolicy } from './alarm-email.ts';
import { logCountMetric, logCountPolicy, RUN_LOGS, runbook } from './log-alerts.ts';
import { OpsAlerts } from './ops-alerts.ts';

export const DAILY_SUMMARY_EVENT = LOG_EVENTS.dailySummary;
export const DAILY_SUMMARY_SUCCEEDED = 'succeeded';
/**
 * How long without a succeeded daily summary before alerting: the longest window Cloud
 * Monitoring evaluates (alignment period + duration ≤ 25 h), an hour more than the schedule.
 */
export const MISSING_DAILY_WINDOW_SECONDS = 25 * 3600;

export interface ObservabilityArgs {
  readonly stack: string;
  /** Operations alerts. */
  readonly operationsEmails: readonly string[];
  /** Alarm notifications by e-mail; none means no alarm e-mail policy. */
  readonly alarmEmails: readonly string[];
  /** Cloud Run services of the daily and notify functions (their function names). */
  readonly dailyService: pulumi.Input<string>;
  readonly notifyService: pulumi.Input<string>;
  /** Quarantined messages per site per hour above which operations are alerted. */
  readonly quarantineAlertThreshold: number;
}

const functionServices = `resource.labels.service_name=(${FUNCTIONS.map((f) => `"${f}"`).join(' OR ')})`;

export class Observability extends pulumi.ComponentResource {
  readonly channels: gcp.monitoring.NotificationChannel[];
  /** The operations channels (operationsEmails, stack config alertEmails), for alert policies declared elsewhere. */
  readonly opsChannels: pulumi.Output<string>[];
  readonly policies: gcp.monitoring.AlertPolicy[];

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('plantlake:infra:Observability', name, {}, opts);
    const child = { parent: this };

    // One channel per address, shared when an address gets both kinds of mail.
    const byAddress = new Map<string, gcp.monitoring.NotificationChannel>();
    for (const email of [...args.operationsEmails, ...args.alarmEmails]) {
      const key = email.toLowerCase();
      if (byAddress.has(key)) continue;
      byAddress.set(
        key,
        new gcp.monitoring.NotificationChannel(
          `email-${key.replace(/[^a-z0-9]+/g, '-')}`,
          { type: 'email', displayName: `plantlake ${args.stack}: ${email}`, labels: { email_address: email } },
          child,
        ),
      );
    }
    this.channels = [...byAddress.values()];
    const channelsFor = (emails: readonly string[]) => emails.flatMap((e) => byAddress.get(e.toLowerCase()) ?? []).map((c) => c.name);
    const notificationChannels = channelsFor(args.operationsEmails);
    this.opsChannels = notificationChannels;
    const userLabels = { app: 'plantlake', env: args.stack };

    const functionErrors = logCountMetric(
      'function-errors',
      {
        name: 'plantlake-function-errors',
        description: 'Log entries of severity ERROR or worse from the plantlake functions, alarm notifications excepted',
        // notify logs high and critical alarms at ERROR/CRITICAL for the e-mail policy: those are
        // the plant's alarms, not the functions' faults.
        filter: `${RUN_LOGS} AND ${functionServices} AND severity>=ERROR AND jsonPayload.event!="${LOG_EVENTS.alarmNotification}"`,
        label: { key: 'function', extractor: 'EXTRACT(resource.labels.service_name)', description: 'Function name' },
      },
      child,
    );
    const dailySummaries = logCountMetric(
      'daily-summaries',
      {
        name: 'plantlake-daily-summaries',
        description: `Summary entries (jsonPayload.event="${DAILY_SUMMARY_EVENT}") of the daily function, by status`,
        filter: pulumi.interpolate`${RUN_LOGS} AND resource.labels.service_name="${args.dailyService}" AND jsonPayload.event="${DAILY_SUMMARY_EVENT}"`,
        label: { key: 'status', extractor: 'EXTRACT(jsonPayload.status)', description: 'succeeded, partial or failed' },
      },
      child,
    );

    const deadLetters = new gcp.monitoring.AlertPolicy(
      'dead-letter-backlog',
      {
        displayName: `plantlake ${args.stack}: dead letters waiting`,
        combiner: 'OR',
        severity: 'ERROR',
        conditions: [
          ...Object.values(DEAD_LETTER_SUBSCRIPTIONS).map((sub) => ({
            displayName: `${sub.name} has undelivered messages`,
            conditionThreshold: {
              filter:
                `resource.type="pubsub_subscription" AND resource.labels.subscription_id="${sub.name}" AND ` +
                `metric.type="pubsub.googleapis.com/subscription/num_undelivered_messages"`,
              comparison: 'COMPARISON_GT',
              thresholdValue: 0,
              duration: '300s',
              aggregations: [{ alignmentPeriod: '300s', perSeriesAligner: 'ALIGN_MAX' }],
            },
          })),
          // Any single message forwarded to a dead-letter topic, even if someone drains the hold
          // before the backlog condition's 5 minutes are up.
          // https://cloud.google.com/pubsub/docs/monitoring#monitor_forwarded_undeliverable_messages
          ...Object.values(SUBSCRIPTIONS).map((sub) => ({
            displayName: `${sub.name} forwarded a message to ${sub.deadLetterTopic}`,
            conditionThreshold: {
              filter:
                `resource.type="pubsub_subscription" AND resource.labels.subscription_id="${sub.name}" AND ` +
                `metric.type="pubsub.googleapis.com/subscription/dead_letter_message_count"`,
              comparison: 'COMPARISON_GT',
              thresholdValue: 0,
              duration: '0s',
              aggregations: [{ alignmentPeriod: '60s', perSeriesAligner: 'ALIGN_SUM' }],
            },
          })),
        ],
        documentation: {
          mimeType: 'text/markdown',
          content:
            'Messages failed every delivery attempt and wait in a dead-letter hold subscription. ' +
            '`plantlake status` counts them (peeked, not consumed). Read the function errors around the time they arrived, fix the cause, then replay them ' +
            '(pull from the hold subscription and publish to the source topic) or drop them deliberately.' +
            runbook('dead letters waiting'),
        },
        notificationChannels,
        userLabels,
      },
      child,
    );

    const errors = logCountPolicy(
      'function-errors',
      {
        displayName: `plantlake ${args.stack}: function errors`,
        severity: 'WARNING',
        conditionName: 'A function logged an error',
        metric: functionErrors,
        threshold: 0,
        windowSeconds: 300,
        groupBy: 'function',
        autoCloseSeconds: 1800,
        documentation:
          'A plantlake function logged an entry of severity ERROR. Open Logs Explorer on the function named in the incident.' + runbook('function errors'),
        notificationChannels,
        userLabels,
      },
      child,
    );

    const missingDaily = new gcp.monitoring.AlertPolicy(
      'daily-load-missing',
      {
        displayName: `plantlake ${args.stack}: daily load missing`,
        combiner: 'OR',
        severity: 'ERROR',
        conditions: [
          {
            displayName: `No succeeded daily summary for ${MISSING_DAILY_WINDOW_SECONDS / 3600} h`,
            conditionThreshold: {
              filter: pulumi.interpolate`${RUN_LOGS} AND metric.type="logging.googleapis.com/user/${dailySummaries.name}" AND metric.label.status="${DAILY_SUMMARY_SUCCEEDED}"`,
              comparison: 'COMPARISON_LT',
              thresholdValue: 1,
              duration: '0s',
              // No data at all (the job never ran) must count as missing, not as fine.
              evaluationMissingData: 'EVALUATION_MISSING_DATA_ACTIVE',
              aggregations: [
                {
                  alignmentPeriod: `${MISSING_DAILY_WINDOW_SECONDS}s`,
                  perSeriesAligner: 'ALIGN_SUM',
                  crossSeriesReducer: 'REDUCE_SUM',
                },
              ],
            },
          },
        ],
        documentation: {
          mimeType: 'text/markdown',
          content:
            'The daily load has not succeeded for over a day. Check the Cloud Scheduler job plantlake-daily ' +
            'and the daily function logs; the job is idempotent, so run it again (Force run) once fixed.' +
            runbook('daily load missing'),
        },
        notificationChannels,
        userLabels,
      },
      child,
    );
    this.policies = [deadLetters, errors, missingDaily];

    // Alerts on what goes wrong quietly (quarantine, skipped batches, webhook, daily partial and
    // failed), one metric and policy each. Other groups of alerts go beside it as components of
    // their own, parented here and pushed onto this.policies.
    const ops = new OpsAlerts(
      'ops-alerts',
      {
        stack: args.stack,
        notificationChannels,
        userLabels,
        dailyService: args.dailyService,
        quarantinePerSiteHourly: args.quarantineAlertThreshold,
      },
      child,
    );
    this.policies.push(...ops.policies);

    if (args.alarmEmails.length > 0) {
      this.policies.push(
        alarmEmailPolicy(
          args.stack,
          pulumi.interpolate`${RUN_LOGS} AND resource.labels.service_name="${args.notifyService}"`,
          channelsFor(args.alarmEmails),
          userLabels,
          child,
        ),
      );
    }

    this.registerOutputs({
      channels: notificationChannels,
      policies: this.policies.map((p) => p.name),
    });
  }
}
