// The chat message in each webhook's shape (PLANTLAKE_WEBHOOK_FORMAT). Pure.
// - google-chat: {text}, with *bold*. https://developers.google.com/workspace/chat/format-messages
// - slack: {text, blocks}; text is the notification fallback. https://api.slack.com/messaging/webhooks
// - teams: an Adaptive Card in a message, what Teams Workflows ("Post to a channel when a webhook
//   request is received") accept; Office 365 connectors and their MessageCard are being retired.
//   https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
import type { WebhookFormat } from '../core/function-env.ts';
import type { AlarmText } from './alarm-text.ts';

export function webhookPayload(format: WebhookFormat, alarm: AlarmText): unknown {
  switch (format) {
    case 'google-chat':
      return { text: [`*${alarm.title}*`, alarm.summary, ...alarm.facts.map((f) => `${f.name}: ${f.value}`)].join('\n') };
    case 'slack':
      return {
        text: `${alarm.title}: ${alarm.summary}`,
        blocks: [
          // Slack caps a header at 150 characters and a section field at 2000.
          { type: 'header', text: { type: 'plain_text', text: clip(alarm.title, 150) } },
          { type: 'section', text: { type: 'mrkdwn', text: clip(alarm.summary, 2000) } },
          // At most 10 fields per section.
          ...chunks(alarm.facts, 10).map((facts) => ({
            type: 'section',
            fields: facts.map((f) => ({ type: 'mrkdwn', text: clip(`*${f.name}*\n${f.value}`, 2000) })),
          })),
        ],
      };
    case 'teams':
      return {
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                { type: 'TextBlock', text: alarm.title, weight: 'Bolder', size: 'Medium', wrap: true },
                { type: 'TextBlock', text: alarm.summary, wrap: true },
                { type: 'FactSet', facts: alarm.facts.map((f) => ({ title: f.name, value: f.value })) },
              ],
            },
          },
        ],
      };
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
