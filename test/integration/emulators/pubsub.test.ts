// Pub/Sub emulator through the official client: publish and pull, ordering keys, dead-lettering.
import type { Message, Subscription } from '@google-cloud/pubsub';
import { describe, expect, it } from 'vitest';
import { clients, uniqueName } from '../../harness/emulators.ts';

/** Collects messages until `count` have arrived, handling each with `onMessage` (ack by default). */
function receive(sub: Subscription, count: number, onMessage: (m: Message) => void = (m) => m.ack()): Promise<Message[]> {
  const got: Message[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void sub.close();
      reject(new Error(`received ${got.length} of ${count} messages within 30 s`));
    }, 30_000);
    sub.on('error', reject);
    sub.on('message', (m: Message) => {
      got.push(m);
      onMessage(m);
      if (got.length === count) {
        clearTimeout(timer);
        void sub.close().then(() => resolve(got));
      }
    });
  });
}

describe('Pub/Sub emulator', () => {
  it('publishes, pulls and acks a message with its attributes', async () => {
    const { pubsub } = clients();
    const [topic] = await pubsub.createTopic(uniqueName('t'));
    const [sub] = await topic.createSubscription(uniqueName('s'));
    const id = await topic.publishMessage({ data: Buffer.from('{"hello":"plant"}'), attributes: { site: 'REF-01' } });

    const [msg] = await receive(sub, 1);
    expect(msg!.id).toBe(id);
    expect(msg!.data.toString()).toBe('{"hello":"plant"}');
    expect(msg!.attributes).toEqual({ site: 'REF-01' });

    // Acked: a fresh listener gets nothing more within a short wait.
    const again: Message[] = [];
    sub.on('message', (m: Message) => again.push(m));
    await new Promise((r) => setTimeout(r, 1500));
    await sub.close();
    expect(again).toHaveLength(0);
  });

  it('delivers messages with one ordering key in publish order', async () => {
    const { pubsub } = clients();
    const [topic] = await pubsub.createTopic(uniqueName('t'));
    topic.setPublishOptions({ messageOrdering: true });
    const [created] = await topic.createSubscription(uniqueName('s'), { enableMessageOrdering: true });
    // Ordered delivery waits for each ack; send acks at once rather than in 100 ms batches.
    const sub = topic.subscription(created.name, { batching: { maxMilliseconds: 5 } });
    const n = 50;
    await Promise.all(Array.from({ length: n }, (_, i) => topic.publishMessage({ data: Buffer.from(String(i)), orderingKey: '10LAB10CP001' })));
    const got = await receive(sub, n);
    expect(got.map((m) => Number(m.data.toString()))).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('moves a message nacked past maxDeliveryAttempts to the dead-letter topic', async () => {
    const { pubsub } = clients();
    const [topic] = await pubsub.createTopic(uniqueName('t'));
    const [deadLetter] = await pubsub.createTopic(uniqueName('dl'));
    const [held] = await deadLetter.createSubscription(uniqueName('dl-hold'));
    const [sub] = await topic.createSubscription(uniqueName('s'), {
      deadLetterPolicy: { deadLetterTopic: deadLetter.name, maxDeliveryAttempts: 5 },
    });
    await topic.publishMessage({ data: Buffer.from('poison') });

    const attempts = await receive(sub, 5, (m) => m.nack());
    expect(attempts.map((m) => m.deliveryAttempt)).toEqual([1, 2, 3, 4, 5]);

    const [dead] = await receive(held, 1);
    // pstest does not add Google's CloudPubSubDeadLetter* attributes (a known gap, see README).
    expect(dead!.data.toString()).toBe('poison');
  });
});
