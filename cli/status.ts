// `plantlake status`: what an operator checks first. Dead-letter backlogs (peeked: pulled and
// released at once, so nothing is consumed), live subscription backlogs (Cloud Monitoring, where
// the target has it), quarantined inputs (the listing streamed, so a quarantine of millions is
// counted without being held; the newest few records read for their site and reason), every day
// of the raw zone (all listing pages), the daily lease and the last loads from load_audit.
import { v1, type PubSub } from '@google-cloud/pubsub';
import type { BigQuery } from '@google-cloud/bigquery';
import type { File, Storage } from '@google-cloud/storage';
import type { Target } from '../functions/adapters/clients.ts';
import { listDays } from '../functions/adapters/lake-listing.ts';
import { OBJECTS, TABLES } from '../functions/core/index.ts';
import { readLease, type LeaseRecord } from '../functions/daily/lease.ts';
import { readBacklogs, type Backlogs } from './backlogs.ts';

export interface StatusNames {
  projectId: string;
  deadLetterSubscriptions: string[];
  /** Live subscriptions whose backlog Cloud Monitoring reports. */
  subscriptions: string[];
  rawBucket: string;
  dataset: string;
}

export interface QuarantineSample {
  name: string;
  site: string;
  reason: string;
  quarantinedAt: string;
}

export interface Status {
  deadLetters: { subscription: string; waiting: number; capped: boolean }[];
  backlogs: Backlogs;
  quarantined: number;
  quarantinedByDay: Record<string, number>;
  quarantinedLatest: string | undefined;
  quarantineRecent: QuarantineSample[];
  rawDays: string[];
  lease: LeaseRecord | null;
  lastLoads: Record<string, unknown>[];
}

const PEEK_MAX = 1000;
const RECENT = 5;

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

/** Day of a quarantine object from its name (`quarantine/dt=YYYY-MM-DD/…`), or "other". */
function dayOf(name: string): string {
  return /^quarantine\/dt=(\d{4}-\d{2}-\d{2})\//.exec(name)?.[1] ?? 'other';
}

/** Streams the quarantine listing: a count per day and the newest few objects, nothing more held. */
export async function scanQuarantine(raw: ReturnType<Storage['bucket']>): Promise<{ total: number; byDay: Record<string, number>; newest: File[] }> {
  const byDay: Record<string, number> = {};
  let total = 0;
  let newest: File[] = [];
  const created = (f: File) => String(f.metadata.timeCreated ?? '');
  for await (const item of raw.getFilesStream({ prefix: OBJECTS.quarantinePrefix })) {
    const file = item as File;
    total++;
    const day = dayOf(file.name);
    byDay[day] = (byDay[day] ?? 0) + 1;
    if (newest.length < RECENT || created(file) > created(newest.at(-1)!)) {
      newest = [...newest, file].sort((a, b) => (created(a) < created(b) ? 1 : created(a) > created(b) ? -1 : a.name < b.name ? 1 : -1)).slice(0, RECENT);
    }
  }
  return { total, byDay, newest };
}

async function sample(file: File): Promise<QuarantineSample> {
  try {
    const [body] = await file.download();
    const r = JSON.parse(body.toString('utf8')) as {
      reason?: string;
      attributes?: Record<string, string>;
      orderingKey?: string | null;
      quarantinedAt?: string;
    };
    return {
      name: file.name,
      site: r.attributes?.site ?? r.orderingKey ?? 'unknown',
      reason: (r.reason ?? '(no reason recorded)').slice(0, 300),
      quarantinedAt: r.quarantinedAt ?? String(file.metadata.timeCreated ?? ''),
    };
  } catch (err) {
    return {
      name: file.name,
      site: 'unknown',
      reason: `(unreadable record: ${(err as Error).message})`,
      quarantinedAt: String(file.metadata.timeCreated ?? ''),
    };
  }
}

export interface QuarantineGroup {
  site: string;
  /** The reason up to its first detail (the text before the first " (" or ";"), so alike reasons group. */
  reason: string;
  count: number;
}

const MAX_GROUPS = 50;

/** Reads every quarantine record, streamed and a few at a time, counting by site and reason; holds only the counts. */
export async function quarantineGroups(raw: ReturnType<Storage['bucket']>, concurrency = 8): Promise<{ groups: QuarantineGroup[]; other: number }> {
  const counts = new Map<string, QuarantineGroup>();
  let other = 0;
  const inFlight = new Set<Promise<void>>();
  const count = async (file: File) => {
    const s = await sample(file);
    const reason = s.reason.split(/ \(|;/)[0]!.slice(0, 120);
    const key = `${s.site}\u0000${reason}`;
    const g = counts.get(key);
    if (g) g.count++;
    else if (counts.size < MAX_GROUPS) counts.set(key, { site: s.site, reason, count: 1 });
    else other++;
  };
  for await (const item of raw.getFilesStream({ prefix: OBJECTS.quarantinePrefix })) {
    const p = count(item as File).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return { groups: [...counts.values()].sort((a, b) => b.count - a.count || (a.site < b.site ? -1 : 1)), other };
}

export async function readStatus(clients: { target: Target; pubsub: PubSub; storage: Storage; bigquery: BigQuery }, names: StatusNames): Promise<Status> {
  const deadLetters = [];
  for (const subscription of names.deadLetterSubscriptions) {
    deadLetters.push({ subscription, ...(await peekBacklog(clients.pubsub, subscription)) });
  }
  const raw = clients.storage.bucket(names.rawBucket);
  const [backlogs, quarantine, rawDays, lease] = await Promise.all([
    readBacklogs(clients.target, names.projectId, names.subscriptions),
    scanQuarantine(raw),
    listDays(raw, ['readings']),
    readLease(raw),
  ]);
  const quarantineRecent = await Promise.all(quarantine.newest.map(sample));
  const [lastLoads] = await clients.bigquery.query(
    `SELECT day, status, rows_kept, duplicates_dropped, ARRAY_LENGTH(bad_rows) AS bad_rows, files, finished_at ` +
      `FROM \`${names.projectId}.${names.dataset}.${TABLES.loadAudit.name}\` ORDER BY finished_at DESC LIMIT 7`,
  );
  const latestByName =
    Object.keys(quarantine.byDay).length > 0
      ? quarantine.newest
          .map((f) => f.name)
          .sort()
          .at(-1)
      : undefined;
  return {
    deadLetters,
    backlogs,
    quarantined: quarantine.total,
    quarantinedByDay: quarantine.byDay,
    quarantinedLatest: quarantineRecent[0]?.name ?? latestByName,
    quarantineRecent,
    rawDays,
    lease: lease ?? null,
    lastLoads: lastLoads as Record<string, unknown>[],
  };
}

/** The human-readable status; `table` formats the last loads. */
export function statusLines(status: Status, table: (rows: Record<string, unknown>[]) => string): string[] {
  const days = Object.entries(status.quarantinedByDay).sort(([a], [b]) => (a < b ? 1 : -1));
  const backlog = status.backlogs.available
    ? status.backlogs.subscriptions.map(
        (b) =>
          `backlog       ${b.subscription}: ${b.undelivered ?? '?'} undelivered` +
          `${b.oldestUnackedSeconds !== null ? `, oldest ${b.oldestUnackedSeconds} s` : ''}`,
      )
    : [`backlog       live backlogs not available: ${status.backlogs.reason}`];
  const lease = status.lease;
  return [
    ...status.deadLetters.map((d) => `dead letters  ${d.subscription}: ${d.waiting}${d.capped ? '+' : ''} waiting`),
    ...backlog,
    `quarantine    ${status.quarantined} object(s)${
      days.length
        ? ` (${days
            .slice(0, 7)
            .map(([d, n]) => `${d}: ${n}`)
            .join(', ')}${days.length > 7 ? ', …' : ''})`
        : ''
    }`,
    ...status.quarantineRecent.map((q) => `  ${q.quarantinedAt}  site ${q.site}  ${q.reason}  (${q.name})`),
    `raw zone      ${status.rawDays.length} day(s)${status.rawDays.length ? `, ${status.rawDays[0]} … ${status.rawDays.at(-1)}` : ''}`,
    `daily lease   ${lease ? `held by ${lease.holder} (run ${lease.runId}) since ${lease.since}, until ${lease.expiresAt}` : 'free'}`,
    'last loads',
    table(status.lastLoads),
  ];
}
