// notify — Cloud Run function (CloudEvent) on the ordered `alerts-notify` push subscription: turns
// each alarm transition into a notification for people: a structured log entry
// (jsonPayload.event = "alarm.notification") that a log-based alert policy mails, and a chat
// webhook message (PLANTLAKE_WEBHOOK_URL, shape PLANTLAKE_WEBHOOK_FORMAT), throttled per
// site/tag/condition (PLANTLAKE_NOTIFY_THROTTLE_SECONDS) and deduped across instances by a
// ledger in the raw bucket (PLANTLAKE_RAW_BUCKET, notify/sent/; sent-ledger.ts).
import * as functions from '@google-cloud/functions-framework';
import { CONFIG_CHECK_SECONDS_ENV, functionRuntime, secondsSetting } from '../adapters/function-runtime.ts';
import { createNotify } from './notify.ts';

const { settings, clients, log } = functionRuntime('notify');

functions.cloudEvent(
  'notify',
  createNotify({
    storage: clients.storage,
    settings,
    log,
    catalogCheckEveryMs: secondsSetting(process.env, CONFIG_CHECK_SECONDS_ENV, 10) * 1000,
  }),
);
