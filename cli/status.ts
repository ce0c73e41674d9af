// `plantlake status`: what an operator checks first. Dead-letter backlogs (peeked: pulled and
// released at once, so nothing is consumed), quarantined inputs, the raw zone's newest day and the
// last loads from load_audit.
import { v1, type PubSub } from '@google-cloud/pubsub';
import type { BigQuery } from '@google-cloud/bigquery';
import type { Storage } from '@google-cloud/storage';
import { OBJECTS, TABLES } from '../functions/core/index.ts';

export interface StatusNames {
  projectId: string;
  deadLetterSubscriptions: string[];
  rawBucket: string;
  dataset: string;
}

export interface Status {
  deadLetters: { subscription: string; waiting: number; capped: boolean }[];
  quarantined: number;
  quarantinedLatest: string | undefined;
  rawDays: string[];
  lastLoads: Record<string, unknown>[];
}

const PEEK_MAX = 1000;

/** Messages waiting on a subscription, up to PEEK_MAX; the pulled messages are released at once. */
export async function peekBacklog(pubsub: PubSub, subscription: string): Promise<{ waiting: number; capped: boolean }> {
  // The same settings as the PubSub client (emulator endpoint or Google Cloud), for a plain pull.
  const config = await pubsub.getClientConfig();
  const api = new v1.SubscriberClient(config as ConstructorParameters<typeof v1.SubscriberClient>[0]);
  try {
    const path = subscription.includes('/') ? subscription : `projects/${config.projectId}/subscriptions/${subscription}`;
    const [res] = await api.pull({ subscription: path, maxMessages: PEEK_MAX, returnImmediately: true });
    const ackIds = (res.receivedMessages ?? []).map((m) => m.ackId!).filter(Boolean);
    if (ackIds.length > 0) await api.modifyAckDeadline({ subscription: path, ackIds, ackDeadlineSeconds: 0 });
    return { waiting: ackIds.length, capped: ackIds.length >= PEEK_MAX };
  } finally {
    await api.close();
  }
}

export async function readStatus(clients: { pubsub: PubSub; storage: Storage; bigquery: BigQuery }, names: StatusNames): Promise<Status> {
  const deadLetters = [];
  for (const subscription of names.deadLetterSubscriptions) {
    deadLetters.push({ subscription, ...(await peekBacklog(clients.pubsub, subscription)) });
  }
  const raw = clients.storage.bucket(names.rawBucket);
  const [quarantine] = await raw.getFiles({ prefix: OBJECTS.quarantinePrefix });
  const quarantinedLatest = quarantine.map((f) => f.name).sort().at(-1);
  const [, , days] = await raw.getFiles({ prefix: `${OBJECTS.readingsPrefix}dt=`, delimiter: '/', autoPaginate: false });
  const rawDays = ((days as { prefixes?: string[] } | undefined)?.prefixes ?? [])
    .map((p) => p.slice(`${OBJECTS.readingsPrefix}dt=`.length, -1))
    .sort();
  const [lastLoads] = await clients.bigquery.query(
    `SELECT day, status, rows_kept, duplicates_dropped, ARRAY_LENGTH(bad_rows) AS bad_rows, files, finished_at ` +
      `FROM \`${names.projectId}.${names.dataset}.${TABLES.loadAudit.name}\` ORDER BY finished_at DESC LIMIT 7`,
  );
  return { deadLetters, quarantined: quarantine.length, quarantinedLatest, rawDays, lastLoads: lastLoads as Record<string, unknown>[] };
}
