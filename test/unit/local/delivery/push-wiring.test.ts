// The local delivery's push body through the Functions Framework's own HTTP handling (no
// emulator needed): the framework makes a CloudEvent of it when the path names the topic, and
// passes it through unconverted when the message has no data; the envelope reads both.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readPubSubEvent } from '../../../../functions/adapters/pubsub-message.ts';
import { pushBody, pushPath } from '../../../../local/delivery/push-body.ts';
import { serveHandler, type ServedFunction } from '../../../../local/functions/serve.ts';

describe('push body → Functions Framework → envelope', () => {
  let served: ServedFunction | undefined;
  afterEach(() => served?.close());

  async function roundTrip(data: Buffer, attributes: Record<string, string>, fail = false) {
    const seen: unknown[] = [];
    served = await serveHandler('probe', async (event) => {
      seen.push(event);
      if (fail) throw new Error('boom');
    });
    const body = pushBody(
      { id: '1234', data, attributes, publishTime: new Date('2024-05-01T12:00:00.123Z'), orderingKey: 'S/10LAB10CP001', deliveryAttempt: 3 },
      'projects/p/subscriptions/alerts-notify',
    );
    const res = await fetch(`${served.url}${pushPath('p', 'alerts')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, event: seen[0], body };
  }

  it('is the push body Pub/Sub sends, and becomes a messagePublished CloudEvent', async () => {
    const { status, event, body } = await roundTrip(Buffer.from('{"a":1}'), { site: 'S' });
    expect(body).toEqual({
      message: {
        data: Buffer.from('{"a":1}').toString('base64'),
        attributes: { site: 'S' },
        messageId: '1234',
        message_id: '1234',
        publishTime: '2024-05-01T12:00:00.123Z',
        publish_time: '2024-05-01T12:00:00.123Z',
        orderingKey: 'S/10LAB10CP001',
      },
      subscription: 'projects/p/subscriptions/alerts-notify',
      deliveryAttempt: 3,
    });
    expect(status).toBe(204);
    expect(event).toMatchObject({
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      source: '//pubsub.googleapis.com/projects/p/topics/alerts',
      id: '1234',
    });
    const r = readPubSubEvent(event);
    expect(r.ok && r.message.data.toString()).toBe('{"a":1}');
    expect(r.ok && r.message.attributes).toEqual({ site: 'S' });
  });

  it('reaches the function unconverted when the message has no data, and the envelope still reads it', async () => {
    const { event } = await roundTrip(Buffer.alloc(0), { only: 'attributes' });
    expect(event).toMatchObject({ subscription: 'projects/p/subscriptions/alerts-notify', message: { messageId: '1234' } });
    const r = readPubSubEvent(event);
    expect(r).toMatchObject({
      ok: true,
      message: { messageId: '1234', attributes: { only: 'attributes' }, orderingKey: 'S/10LAB10CP001', deliveryAttempt: 3 },
    });
    expect(r.ok && r.message.data.byteLength).toBe(0);
  });

  it('answers 500 when the function throws, so the delivery nacks', async () => {
    // The framework prints the stack of a thrown error; not needed here.
    vi.spyOn(console, 'error').mockImplementationOnce(() => {});
    const { status } = await roundTrip(Buffer.from('x'), {}, true);
    expect(status).toBe(500);
  });
});
