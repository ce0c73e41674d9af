// The Cloud Monitoring request `plantlake status` sends for live backlogs, and how it reads the
// answer (pure; the call itself needs Google Cloud, see README "Known emulator gaps").
import { describe, expect, it } from 'vitest';
import { BACKLOG_METRICS, backlogRequest, newestBySubscription } from '../../../cli/backlogs.ts';

describe('live backlogs', () => {
  it('asks for the metric over the named subscriptions, the last 10 minutes', () => {
    const req = backlogRequest('my-proj', BACKLOG_METRICS.undelivered, ['readings-land', 'alerts-notify'], Date.parse('2026-12-01T00:10:00Z'));
    expect(req.name).toBe('projects/my-proj');
    expect(req.filter).toBe(
      'metric.type="pubsub.googleapis.com/subscription/num_undelivered_messages" AND resource.type="pubsub_subscription" AND ' +
        'resource.labels.subscription_id=("readings-land" OR "alerts-notify")',
    );
    expect(Number(req.interval.endTime.seconds) - Number(req.interval.startTime.seconds)).toBe(600);
  });

  it('takes the newest point per subscription, int64 as string or Long', () => {
    const got = newestBySubscription([
      { resource: { labels: { subscription_id: 'a' } }, points: [{ value: { int64Value: '42' } }, { value: { int64Value: '7' } }] },
      { resource: { labels: { subscription_id: 'b' } }, points: [{ value: { int64Value: { toNumber: () => 3 } } }] },
      { resource: { labels: { subscription_id: 'c' } }, points: [] },
    ]);
    expect([...got]).toEqual([
      ['a', 42],
      ['b', 3],
    ]);
  });
});
