// The e-mail path: one structured log entry per notification, which a log-based alert policy in
// Cloud Monitoring turns into an e-mail to the environment's alert addresses. Field contract
// (jsonPayload.*), kept flat so the policy's label extractors can name each field:
//   event = "alarm.notification", eventId, site, tag, condition, transition, priority, value,
//   limit, unit, readingTs, detectedAt, rulesVersion, description, area, equipment, environment,
//   title, summary, throttledBefore, recipients; `message` holds the readable text.
// Severity follows the priority for an active alarm (critical → CRITICAL, high → ERROR,
// medium → WARNING, low → NOTICE); a cleared one is NOTICE. Pure.
// https://cloud.google.com/logging/docs/alerting/log-based-alerts
import type { AlarmEvent, CatalogEntry, Priority } from '../core/index.ts';
import type { Severity } from '../adapters/log.ts';
import type { AlarmText } from './alarm-text.ts';
import { LOG_EVENTS } from '../core/resources.ts';

export const NOTIFICATION_EVENT = LOG_EVENTS.alarmNotification;

const SEVERITY: Readonly<Record<Priority, Severity>> = { critical: 'CRITICAL', high: 'ERROR', medium: 'WARNING', low: 'NOTICE' };

export interface NotificationEntry {
  readonly severity: Severity;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export function notificationEntry(
  event: AlarmEvent,
  text: AlarmText,
  context: { entry: CatalogEntry | undefined; environment: string; recipients: readonly string[]; throttledBefore: number },
): NotificationEntry {
  return {
    severity: event.transition === 'active' ? SEVERITY[event.priority] : 'NOTICE',
    message: text.text,
    fields: {
      event: NOTIFICATION_EVENT,
      eventId: event.eventId,
      site: event.site,
      tag: event.tag,
      condition: event.condition,
      transition: event.transition,
      priority: event.priority,
      value: event.value,
      limit: event.limit,
      unit: context.entry?.unit ?? null,
      readingTs: event.readingTs,
      detectedAt: event.detectedAt,
      rulesVersion: event.rulesVersion,
      description: context.entry?.description ?? null,
      area: context.entry?.area ?? null,
      equipment: context.entry?.equipment ?? null,
      environment: context.environment,
      title: text.title,
      summary: text.summary,
      throttledBefore: context.throttledBefore,
      recipients: context.recipients,
    },
  };
}
