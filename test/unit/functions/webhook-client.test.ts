// Bounded retries of the chat webhook, against a local HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, WebhookError } from '../../../functions/adapters/webhook-client.ts';

const fast = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 1000 };

describe('postJson', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function hook(statuses: number[]): Promise<{ url: string; hits: () => number }> {
    let hits = 0;
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = statuses[hits++] ?? 200;
        if (status === 429) res.setHeader('retry-after', '0');
        res.writeHead(status).end('nope');
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/secret-token`, hits: () => hits };
  }

  it('retries 429 and 5xx, then succeeds', async () => {
    const h = await hook([429, 502]);
    expect(await postJson(h.url, { text: 'x' }, fast)).toEqual({ status: 200, attempts: 3 });
  });

  it('gives up after the last attempt with a transient error that never shows the URL', async () => {
    const h = await hook([500, 503, 504]);
    const err = await postJson(h.url, {}, fast).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookError);
    expect(err).toMatchObject({ permanent: false, status: 504, attempts: 3 });
    expect((err as Error).message).toMatch(/did not take the notification after 3 attempts \(last: HTTP 504: nope\); the alert message will be retried by Pub\/Sub/);
    expect((err as Error).message).not.toContain('secret-token');
  });

  it('does not retry a refusal that retrying cannot fix', async () => {
    const h = await hook([404]);
    const err = await postJson(h.url, {}, fast).catch((e: unknown) => e);
    expect(err).toMatchObject({ permanent: true, status: 404, attempts: 1 });
    expect((err as Error).message).toMatch(/refused the notification \(HTTP 404: nope\); retrying will not help\. Check the webhook URL secret and PLANTLAKE_WEBHOOK_FORMAT/);
    expect(h.hits()).toBe(1);
  });

  it('treats an unreachable webhook as transient', async () => {
    const err = await postJson('http://127.0.0.1:9/none', {}, { ...fast, attempts: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ permanent: false, attempts: 2 });
    expect((err as Error).message).toMatch(/last: network error/);
  });
});
