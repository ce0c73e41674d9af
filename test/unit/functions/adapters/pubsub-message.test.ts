// The Pub/Sub envelope against the three shapes a CloudEvent function receives, using the
// google-cloudevents examples (test/fixtures/cloudevents) as the reference shapes.
import { describe, expect, it } from 'vitest';
import { readPubSubEvent } from '../../../../functions/adapters/pubsub-message.ts';
import structured from '../../../fixtures/cloudevents/structured/pubsub/MessagePublishedData.json' with { type: 'json' };
import complex from '../../../fixtures/cloudevents/binary/pubsub/MessagePublishedData-complex.json' with { type: 'json' };
import simple from '../../../fixtures/cloudevents/binary/pubsub/MessagePublishedData-simple.json' with { type: 'json' };

describe('readPubSubEvent', () => {
  it('reads a structured messagePublished CloudEvent', () => {
    const r = readPubSubEvent(structured);
    expect(r).toEqual({
      ok: true,
      message: {
        messageId: 'message-id',
        publishTime: '2021-02-05T04:06:14.109Z',
        attributes: { attr1: 'attr1-value' },
        data: Buffer.from('test message 3'),
        orderingKey: 'ordering-key',
        subscription: 'projects/test-project/subscriptions/my-subscription',
        deliveryAttempt: undefined,
      },
    });
  });

  it('reads a raw push body (the framework passes it through when data is empty) and binary data', () => {
    const r = readPubSubEvent(complex);
    expect(r.ok && r.message.data.toString()).toBe('test message 3');
    const s = readPubSubEvent(simple);
    expect(s.ok && [...s.message.data]).toEqual([1, 2, 3, 4]);
    expect(s.ok && s.message.attributes).toEqual({});
    const empty = readPubSubEvent({
      message: { attributes: { a: 'b' }, messageId: '7', publishTime: '2024-01-01T00:00:00Z' },
      subscription: 'projects/p/subscriptions/s',
    });
    expect(empty.ok && empty.message.data.byteLength).toBe(0);
  });

  it('reads what the Functions Framework makes of a push body (no subscription, no ordering key)', () => {
    const converted = {
      id: '42',
      time: '2024-05-01T12:00:00.000Z',
      specversion: '1.0',
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      source: '//pubsub.googleapis.com/projects/p/topics/readings',
      data: {
        message: {
          '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage',
          data: 'eyJ9',
          attributes: {},
          messageId: '42',
          publishTime: '2024-05-01T12:00:00.000Z',
        },
      },
    };
    const r = readPubSubEvent(converted);
    expect(r).toMatchObject({ ok: true, message: { messageId: '42', subscription: undefined, orderingKey: undefined } });
  });

  it('says what is wrong with something that is not a Pub/Sub message', () => {
    expect(readPubSubEvent('hello')).toEqual({
      ok: false,
      reason: expect.stringMatching(/^not a Pub\/Sub message event: the event is a string, not an object; deliver a Pub\/Sub push body/),
    });
    expect(readPubSubEvent({ data: { foo: 1 } })).toMatchObject({ ok: false, reason: expect.stringContaining('data.message is missing') });
    expect(readPubSubEvent({ message: { data: 'AQ' } })).toMatchObject({ ok: false, reason: expect.stringContaining('the message has no messageId') });
    expect(readPubSubEvent({ message: { data: '%%%=', messageId: '1' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('message.data of message 1 is not base64'),
    });
  });

  it('accepts base64 by its pattern whether or not it is canonical, and refuses unpadded or foreign text', () => {
    const data = (text: string) => readPubSubEvent({ message: { data: text, messageId: '1' } });
    const bytes = Buffer.from('{"a":1}\u00ff', 'utf8');
    expect(data(bytes.toString('base64'))).toMatchObject({ ok: true, message: { data: bytes } });
    expect(data('QR==')).toMatchObject({ ok: true, message: { data: Buffer.from('A') } }); // non-zero padding bits: not canonical, still base64
    expect(data('')).toMatchObject({ ok: true, message: { data: Buffer.alloc(0) } });
    for (const bad of ['QQ', 'QQ=', 'QQ==QQ==', 'Q-_Q', 'QQ==\n', ' QQ=='])
      expect(data(bad)).toMatchObject({ ok: false, reason: expect.stringContaining('is not base64') });
  });
});
