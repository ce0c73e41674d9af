// Alarm notifications by e-mail, without a mail service of our own: notify logs each alarm
// notification it sends, once, as a structured entry
//   { "severity": "NOTICE", "event": "alarm.notification", "site", "tag", "condition",
//     "transition", "priority", "eventId", "message" }
// and this log-based alert policy mails it to the alarm recipients. Cloud Monitoring sends at
// most one mail per 5 minutes per policy (later alarms join the open incident), so the chat
// webhook is the real-time path and e-mail the record.
// https://cloud.google.com/logging/docs/alerting/log-based-alerts
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { LOG_EVENTS } from '../../functions/core/resources.ts';

export const ALARM_NOTIFICATION_EVENT = LOG_EVENTS.alarmNotification;
const LABELS = ['site', 'tag', 'condition', 'transition', 'priority'] as const;
const label = (name: (typeof LABELS)[number]) => '${log.extracted_label.' + name + '}';

export function alarmEmailPolicy(
  stack: string,
  /** Log filter selecting the notify function's entries. */
  notifyLogs: pulumi.Input<string>,
  channels: pulumi.Input<string>[],
  userLabels: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): gcp.monitoring.AlertPolicy {
  return new gcp.monitoring.AlertPolicy(
    'alarm-email',
    {
      displayName: `plantlake ${stack}: alarm notification`,
      combiner: 'OR',
      severity: 'CRITICAL',
      conditions: [
        {
          displayName: 'notify sent an alarm notification',
          conditionMatchedLog: {
            filter: pulumi.interpolate`${notifyLogs} AND jsonPayload.event="${ALARM_NOTIFICATION_EVENT}"`,
            labelExtractors: Object.fromEntries(LABELS.map((f) => [f, `EXTRACT(jsonPayload.${f})`])),
          },
        },
      ],
      // Log-based policies must rate-limit; 5 minutes is the shortest period allowed.
      alertStrategy: { notificationRateLimit: { period: '300s' }, autoClose: '1800s' },
      documentation: {
        mimeType: 'text/markdown',
        subject: `plantlake alarm ${label('priority')}: ${label('tag')} ${label('condition')} ${label('transition')} (${label('site')})`,
        content:
          `Alarm ${label('condition')} ${label('transition')} on ${label('tag')} at site ${label('site')}. ` +
          'The full alarm is in the notify log entry and in the alarm_events table after the daily load.',
      },
      notificationChannels: channels,
      userLabels,
    },
    opts,
  );
}
