// A chat webhook stand-in for the tests: a local HTTP server on 127.0.0.1 that records every
// POSTed JSON body and answers with the statuses it is told to (e.g. 429 then 200).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookServer {
  readonly url: string;
  /** Bodies of requests answered 2xx. */
  readonly received: unknown[];
  /** Every request with the status it got. */
  readonly requests: { status: number; body: unknown }[];
  /** Statuses for the next requests, in order; after them, 200. */
  failNext(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startWebhookServer(): Promise<WebhookServer> {
  const received: unknown[] = [];
  const requests: { status: number; body: unknown }[] = [];
  const queue: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      const status = queue.shift() ?? 200;
      requests.push({ status, body });
      if (status < 300) received.push(body);
      if (status === 429) res.setHeader('retry-after', '0');
      res.writeHead(status, { 'content-type': 'application/json' }).end(status < 300 ? '{}' : '{"error":"try later"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    requests,
    failNext: (...statuses) => void queue.push(...statuses),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
