// Publishes alarm transitions to the alerts topic: ordering key `${site}/${tag}` so notify sees a
// tag's active before its cleared, attributes for subscription filters and log-free routing, and
// the AlarmEvent as JSON. With message ordering, a failed publish pauses its key in the client
// until resumePublishing; we resume at once and throw, so the caller's retry can publish again.
// https://cloud.google.com/pubsub/docs/ordering
import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { AlarmEvent } from '../core/index.ts';

export interface AlertPublisher {
  /** Publishes every event (in order per key) and resolves with their message ids. */
  publish(events: readonly AlarmEvent[]): Promise<string[]>;
}

export function orderingKey(event: Pick<AlarmEvent, 'site' | 'tag'>): string {
  return `${event.site}/${event.tag}`;
}

export function alertAttributes(event: AlarmEvent): Record<string, string> {
  return {
    site: event.site,
    tag: event.tag,
    condition: event.condition,
    transition: event.transition,
    priority: event.priority,
    eventId: event.eventId,
  };
}

export function createAlertPublisher(pubsub: PubSub, topicName: string): AlertPublisher {
  let topic: Topic | undefined;
  return {
    async publish(events) {
      // Short batching delay: an alarm should leave within milliseconds, not wait for a full batch.
      topic ??= pubsub.topic(topicName, { messageOrdering: true, batching: { maxMilliseconds: 10 } });
      const t = topic;
      const results = await Promise.allSettled(
        events.map((event) =>
          t.publishMessage({ data: Buffer.from(JSON.stringify(event)), orderingKey: orderingKey(event), attributes: alertAttributes(event) }),
        ),
      );
      const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ event: events[i]!, reason: r.reason as unknown }] : []));
      if (failed.length > 0) {
        for (const key of new Set(failed.map((f) => orderingKey(f.event)))) t.resumePublishing(key);
        const first = failed[0]!.reason;
        throw new Error(
          `could not publish ${failed.length} of ${events.length} alarm event(s) to topic ${topicName} ` +
            `(${first instanceof Error ? first.message : String(first)}); they will be published again when the batch is retried. ` +
            'If this persists, check that the topic exists and the function may publish to it.',
          { cause: first },
        );
      }
      return results.map((r) => (r as PromiseFulfilledResult<string>).value);
    },
  };
}
