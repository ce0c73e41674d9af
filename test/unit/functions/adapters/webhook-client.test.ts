// Bounded retries of the chat webhook, against a local HTTP server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY, postJson, WEBHOOK_BUDGET_SECONDS, WebhookError } from '../../../../functions/adapters/webhook-client.ts';

const fast = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 1000, totalMs: 10_000 };

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
    expect((err as Error).message).toMatch(
      /did not take the notification after 3 attempt\(s\) within 10 s \(last: HTTP 504: nope\); the alert message will be retried by Pub\/Sub/,
    );
    expect((err as Error).message).not.toContain('secret-token');
  });

  it('does not retry a refusal that retrying cannot fix', async () => {
    const h = await hook([404]);
    const err = await postJson(h.url, {}, fast).catch((e: unknown) => e);
    expect(err).toMatchObject({ permanent: true, status: 404, attempts: 1 });
    expect((err as Error).message).toMatch(
      /refused the notification \(HTTP 404: nope\); retrying will not help\. Check the webhook URL secret and PLANTLAKE_WEBHOOK_FORMAT/,
    );
    expect(h.hits()).toBe(1);
  });

  it('treats an unreachable webhook as transient', async () => {
    const err = await postJson('http://127.0.0.1:9/none', {}, { ...fast, attempts: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ permanent: false, attempts: 2 });
    expect((err as Error).message).toMatch(/last: network error/);
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; base: string }> {
    const srv = createServer(handler);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    return { server: srv, base: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` };
  }

  it('never follows a redirect to another host, so the secret URL and body stay put', async () => {
    let elsewhere = 0;
    const other = await serve((req, res) => {
      elsewhere++;
      req.resume();
      res.writeHead(200).end('ok');
    });
    try {
      const hook = await serve((req, res) => {
        req.resume();
        res.writeHead(307, { location: `http://localhost:${new URL(other.base).port}/steal?key=secret-token` }).end();
      });
      server = hook.server;
      const err = await postJson(`${hook.base}/hook?key=secret-token`, { text: 'alarm' }, fast).catch((e: unknown) => e);
      expect(err).toMatchObject({ permanent: true, status: 307, attempts: 1 });
      expect((err as Error).message).toMatch(/answered HTTP 307, a redirect to another host \(localhost:\d+\); notify never follows one/);
      expect((err as Error).message).not.toContain('secret-token');
      expect(elsewhere).toBe(0);
    } finally {
      await new Promise<void>((r) => other.server.close(() => r()));
    }
  });

  it('fits every attempt and wait into the total budget against a webhook that never answers', async () => {
    const hung = await serve((req) => {
      req.resume(); // never answers
    });
    server = hung.server;
    const started = performance.now();
    const err = await postJson(`${hung.base}/hook`, {}, { attempts: 10, baseDelayMs: 200, maxDelayMs: 400, timeoutMs: 1000, totalMs: 2500 }).catch(
      (e: unknown) => e,
    );
    const took = performance.now() - started;
    expect(err).toMatchObject({ permanent: false });
    expect((err as WebhookError).attempts).toBeGreaterThanOrEqual(2);
    expect((err as WebhookError).attempts).toBeLessThan(10);
    expect((err as Error).message).toMatch(/within 3 s \(last: no answer within \d+ ms\)/);
    // The budget bounds the whole call, not each attempt: without it, 10 attempts of 1 s and
    // their waits take over 12 s. (Generous slack: the machine may be busy.)
    expect(took).toBeLessThan(6000);
    server.closeAllConnections();
  });

  it('the default policy fits notify: worst case well inside the 50 s default function timeout', () => {
    expect(DEFAULT_RETRY.totalMs).toBe(WEBHOOK_BUDGET_SECONDS * 1000);
    expect(WEBHOOK_BUDGET_SECONDS + 10).toBeLessThanOrEqual(50);
  });
});
