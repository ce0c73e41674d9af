// Store-and-forward: failed publishes keep the batch buffered and in order until the link is back.
import { describe, expect, it } from 'vitest';
import { Gateway } from '../../../cli/gateway.ts';

describe('gateway store-and-forward', () => {
  it('buffers while publishing fails and sends every batch once, in order, when it recovers', async () => {
    const sent: string[] = [];
    let failuresLeft = 3;
    const gateway = new Gateway(
      async (data, _attributes, orderingKey) => {
        expect(orderingKey).toBe('S'); // the site: detect's subscription orders per site
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error('UNAVAILABLE');
        }
        sent.push((JSON.parse(data.toString()) as { batchId: string }).batchId);
        return String(sent.length);
      },
      { retryMs: 1, maxRetryMs: 4 },
    );
    void gateway.send({ batchId: 'b1', site: 'S' });
    void gateway.send({ batchId: 'b2', site: 'S' });
    expect(gateway.stats.buffered).toBe(2);
    await gateway.send({ batchId: 'b3', site: 'S' });
    await gateway.flush();
    expect(sent).toEqual(['b1', 'b2', 'b3']);
    expect(gateway.stats).toEqual({ published: 3, failedAttempts: 3, buffered: 0 });
  });
});
