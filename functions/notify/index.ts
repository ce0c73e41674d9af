// notify — Cloud Run function (CloudEvent) on the ordered `alerts-notify` push subscription: turns
// each alarm transition into a notification for people: a structured log entry
// (jsonPayload.event = "alarm.notification") that a log-based alert policy mails, and a chat
// webhook message (PLANTLAKE_WEBHOOK_URL, shape PLANTLAKE_WEBHOOK_FORMAT), throttled per
// site/tag/condition (PLANTLAKE_NOTIFY_THROTTLE_SECONDS) and deduped across instances by a
// ledger in the raw bucket (PLANTLAKE_RAW_BUCKET, notify/sent/; sent-ledger.ts). Wired by wiring.ts.
import * as functions from '@google-cloud/functions-framework';
import { functionRuntime } from '../adapters/function-runtime.ts';
import { wireNotify } from './wiring.ts';

const { settings, clients, log } = functionRuntime('notify');

functions.cloudEvent('notify', wireNotify(settings, clients, log));
