// notify: decode the Pub/Sub event → read the AlarmEvent → dedupe and throttle (this instance),
// then claim it in the shared ledger (sent-ledger.ts: no duplicate, no older transition after a
// newer one, across instances) → describe it
// (tag catalog from the config bucket, if present) → e-mail path (a structured log entry) and the
// chat webhook. Bad alert messages are logged and acked (they can never succeed); a webhook that
// stays unreachable throws so Pub/Sub retries; a webhook that refuses the payload is logged as an
// error and acked, since the e-mail path already carried the alarm.
import type { Storage } from '@google-cloud/storage';
import { AlarmEvent, OBJECTS, parseTagCatalog, type Catalog } from '../core/index.ts';
import { compileSchema } from '../core/schema-check.ts';
import type { NotifySettings } from '../core/function-env.ts';
import type { Logger } from '../adapters/log.ts';
import { createObjectCache } from '../adapters/object-cache.ts';
import { readPubSubEvent } from '../adapters/pubsub-message.ts';
import { DEFAULT_RETRY, postJson, WebhookError, type RetryPolicy } from '../adapters/webhook-client.ts';
import { alarmText } from './alarm-text.ts';
import { notificationEntry } from './notification-log.ts';
import { createLedger, NotifyWaitError } from './sent-ledger.ts';
import { createThrottle } from './throttle.ts';
import { webhookPayload } from './webhook-payload.ts';

export interface NotifyOptions {
  readonly storage: Storage;
  readonly settings: Pick<
    NotifySettings,
    'rawBucket' | 'configBucket' | 'webhookUrl' | 'webhookFormat' | 'alarmEmails' | 'notifyThrottleSeconds' | 'environment'
  >;
  readonly log: Logger;
  /** How long a checked tag catalog generation is trusted. */
  readonly catalogCheckEveryMs: number;
  readonly webhookRetry?: RetryPolicy;
  readonly now?: () => Date;
}

export type NotifyHandler = (event: unknown) => Promise<void>;

const alarmEventSchema = compileSchema(AlarmEvent);

export function createNotify(options: NotifyOptions): NotifyHandler {
  const { settings, log } = options;
  const now = options.now ?? (() => new Date());
  const throttle = createThrottle({ windowMs: settings.notifyThrottleSeconds * 1000 });
  const ledger = createLedger(options.storage.bucket(settings.rawBucket), now);
  /** Events whose e-mail entry was written: a retry for the webhook must not mail twice. */
  const mailed = new Set<string>();
  const where = `gs://${settings.configBucket}/${OBJECTS.tagCatalog}`;
  const catalog = createObjectCache<Catalog>({
    bucket: options.storage.bucket(settings.configBucket),
    name: OBJECTS.tagCatalog,
    checkEveryMs: options.catalogCheckEveryMs,
    parse: (text) => {
      const r = parseTagCatalog(text);
      return r.ok ? { ok: true, value: r.catalog } : { ok: false, reason: r.reason };
    },
    onInvalid: (generation, reason) =>
      log.error(`${where} generation ${generation} was not loaded; notifications use the previous catalog: ${reason}`, {
        event: 'notify.catalog-invalid',
        generation,
      }),
  });

  async function catalogEntry(site: string, tag: string) {
    try {
      return (await catalog.get())?.get(site, tag);
    } catch (err) {
      // A notification without the description beats no notification.
      log.warn(`could not read the tag catalog ${where} (${err instanceof Error ? err.message : String(err)}); notifying without descriptions`, {
        event: 'notify.catalog-unavailable',
      });
      return undefined;
    }
  }

  return async function notify(cloudEvent: unknown): Promise<void> {
    const envelope = readPubSubEvent(cloudEvent);
    if (!envelope.ok) {
      log.error(`dropped an alert event: ${envelope.reason}`, { event: 'notify.invalid' });
      return;
    }
    const message = envelope.message;
    let event: AlarmEvent;
    try {
      const value: unknown = JSON.parse(message.data.toString('utf8'));
      if (!alarmEventSchema.check(value)) {
        const problems = alarmEventSchema
          .problems(value)
          .map((p) => `${p.path}: ${p.reason}`)
          .join('; ');
        throw new Error(`not an AlarmEvent (${problems})`);
      }
      event = value;
    } catch (err) {
      log.error(
        `dropped alert message ${message.messageId}: ${err instanceof Error ? err.message : String(err)}; only detect should publish to the alerts topic`,
        {
          event: 'notify.invalid',
          messageId: message.messageId,
          attributes: message.attributes,
        },
      );
      return;
    }

    const ids = {
      eventId: event.eventId,
      site: event.site,
      tag: event.tag,
      condition: event.condition,
      transition: event.transition,
      messageId: message.messageId,
    };
    // Late data: the activation is told once, worded as past (alarm-text.ts); its clearing only
    // goes to history (alarm_events), so nobody is paged twice for something already over.
    if (event.late === true && event.transition === 'cleared') {
      log.info(`recorded, not notified: late ${event.tag} ${event.condition} cleared at ${event.readingTs}`, { event: 'notify.late-cleared', ...ids });
      return;
    }
    const verdict = throttle.decide(event, now().getTime());
    if (verdict.decision === 'duplicate') {
      log.log('DEBUG', `alarm ${event.eventId} was notified already`, { event: 'notify.duplicate', ...ids });
      return;
    }
    if (verdict.decision === 'throttled') {
      log.info(`held back ${event.tag} ${event.condition} active: notified less than ${settings.notifyThrottleSeconds} s ago`, {
        event: 'notify.throttled',
        ...ids,
        throttledBefore: verdict.throttledBefore,
      });
      return;
    }

    let claimed;
    try {
      claimed = await ledger.claim(event);
    } catch (err) {
      log.error(
        `could not read or write notify's ledger in gs://${settings.rawBucket}/${OBJECTS.notifyLedgerPrefix} (${err instanceof Error ? err.message : String(err)}); ` +
          'the alert is not acked, so Pub/Sub retries it. If this persists, check that notify may read and write objects under that prefix.',
        { event: 'notify.ledger-failed', ...ids },
      );
      throw err;
    }
    if (claimed.decision === 'duplicate') {
      log.log('DEBUG', `alarm ${event.eventId} was notified already (by another instance)`, { event: 'notify.duplicate', ...ids });
      throttle.markSent(event.eventId);
      return;
    }
    if (claimed.decision === 'superseded') {
      log.info(
        `dropped ${event.tag} ${event.condition} ${event.transition}: the later ${claimed.by.transition} ${claimed.by.eventId} of the same alarm was notified already`,
        {
          event: 'notify.superseded',
          ...ids,
          supersededBy: claimed.by.eventId,
        },
      );
      throttle.markSent(event.eventId);
      return;
    }
    if (claimed.decision === 'wait') {
      const err = new NotifyWaitError(event, claimed.for);
      log.info(err.message, { event: 'notify.waiting', ...ids, waitingFor: claimed.for.eventId });
      throw err;
    }
    const { claim } = claimed;

    const entry = await catalogEntry(event.site, event.tag);
    const text = alarmText(event, { entry, environment: settings.environment, throttledBefore: verdict.throttledBefore });
    if (!mailed.has(event.eventId)) {
      const mail = notificationEntry(event, text, {
        entry,
        environment: settings.environment,
        recipients: settings.alarmEmails,
        throttledBefore: verdict.throttledBefore,
      });
      log.log(mail.severity, mail.message, mail.fields);
      mailed.add(event.eventId);
      if (mailed.size > 10_000) mailed.delete(mailed.values().next().value!);
    }
    if (settings.webhookUrl !== undefined) {
      try {
        const sent = await postJson(settings.webhookUrl, webhookPayload(settings.webhookFormat, text), options.webhookRetry ?? DEFAULT_RETRY);
        log.info(`sent ${event.tag} ${event.condition} ${event.transition} to the chat webhook`, {
          event: 'notify.webhook',
          ...ids,
          status: sent.status,
          attempts: sent.attempts,
        });
      } catch (err) {
        if (err instanceof WebhookError && err.permanent) {
          log.error(err.message, { event: 'notify.webhook-refused', ...ids, status: err.status });
        } else {
          log.error(err instanceof Error ? err.message : String(err), { event: 'notify.webhook-failed', ...ids });
          // Let the retry (or the next event of this alarm) go ahead rather than wait out the claim.
          await claim.abandon().catch(() => {});
          throw err;
        }
      }
    }
    await claim.confirm();
    throttle.markSent(event.eventId);
  };
}
