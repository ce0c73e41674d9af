// Live subscription backlogs for `plantlake status`, from Cloud Monitoring: undelivered messages
// and the oldest unacked message's age of each subscription, the newest point of the last
// 10 minutes. The Monitoring client is built here, not in functions/adapters/clients.ts, because
// only the CLI reads metrics and every function bundle ships what clients.ts can build.
// The emulators have no Cloud Monitoring (pstest keeps no metrics), so there it says so.
// https://cloud.google.com/pubsub/docs/monitoring#monitor_the_backlog
import type { Target } from '../functions/adapters/clients.ts';

export interface Backlog {
  readonly subscription: string;
  readonly undelivered: number | null;
  readonly oldestUnackedSeconds: number | null;
}

export type Backlogs = { readonly available: true; readonly subscriptions: Backlog[] } | { readonly available: false; readonly reason: string };

export const BACKLOG_METRICS = {
  undelivered: 'pubsub.googleapis.com/subscription/num_undelivered_messages',
  oldestUnacked: 'pubsub.googleapis.com/subscription/oldest_unacked_message_age',
} as const;

const WINDOW_SECONDS = 600;

/** The listTimeSeries request for one metric over the given subscriptions (pure). */
export function backlogRequest(projectId: string, metric: string, subscriptions: readonly string[], nowMs: number) {
  const end = Math.floor(nowMs / 1000);
  const subs = subscriptions.map((s) => `"${s.replace(/["\\]/g, '')}"`).join(' OR ');
  return {
    name: `projects/${projectId}`,
    filter: `metric.type="${metric}" AND resource.type="pubsub_subscription" AND resource.labels.subscription_id=(${subs})`,
    interval: { startTime: { seconds: end - WINDOW_SECONDS }, endTime: { seconds: end } },
    view: 'FULL' as const,
  };
}

interface Series {
  resource?: { labels?: Record<string, string> | null } | null;
  points?: { value?: { int64Value?: string | number | Long | null } | null }[] | null;
}
type Long = { toNumber(): number };

/** Newest value per subscription of a listTimeSeries answer (points come newest first). */
export function newestBySubscription(series: readonly Series[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of series) {
    const sub = s.resource?.labels?.subscription_id;
    const v = s.points?.[0]?.value?.int64Value;
    if (sub === undefined || v === undefined || v === null) continue;
    out.set(sub, typeof v === 'object' ? v.toNumber() : Number(v));
  }
  return out;
}

export async function readBacklogs(target: Target, projectId: string, subscriptions: readonly string[]): Promise<Backlogs> {
  if (target.kind === 'emulators') {
    return {
      available: false,
      reason: 'the emulators have no Cloud Monitoring (pstest keeps no subscription metrics); live backlogs show against Google Cloud only',
    };
  }
  const { MetricServiceClient } = await import('@google-cloud/monitoring');
  const client = new MetricServiceClient({ projectId });
  try {
    const now = Date.now();
    const [undelivered, oldest] = await Promise.all(
      [BACKLOG_METRICS.undelivered, BACKLOG_METRICS.oldestUnacked].map(async (metric) => {
        const [series] = await client.listTimeSeries(backlogRequest(projectId, metric, subscriptions, now), { autoPaginate: true });
        return newestBySubscription(series as Series[]);
      }),
    );
    return {
      available: true,
      subscriptions: subscriptions.map((subscription) => ({
        subscription,
        undelivered: undelivered!.get(subscription) ?? null,
        oldestUnackedSeconds: oldest!.get(subscription) ?? null,
      })),
    };
  } catch (err) {
    return { available: false, reason: `Cloud Monitoring did not answer (${(err as Error).message}); the caller needs roles/monitoring.viewer` };
  } finally {
    await client.close();
  }
}
