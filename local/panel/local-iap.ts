// LOCAL ONLY: a stand-in for Identity-Aware Proxy in front of the panel on npm start and in the
// browser tests. It signs an ES256 assertion shaped like IAP's (iss https://cloud.google.com/iap,
// aud, email, sub, iat/exp) with a P-256 key made at start, and the panel verifies it with the
// same code that verifies Google's (functions/panel/iap-assertion.ts), given this public key.
// The proxy lets you pick an identity from local/panel/identities.yaml and adds the assertion to
// every request it forwards, dropping any assertion the browser sent, as IAP does.
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { IAP_HEADER, IAP_ISSUER } from '../../functions/panel/iap-assertion.ts';
import { repoRoot } from '../repo-root.ts';

export interface LocalIdentity {
  readonly email: string;
  readonly role: string;
}

export interface LocalIdentities {
  readonly identities: readonly LocalIdentity[];
  /** The access document (shape of plantlake:panelAccess). */
  readonly access: unknown;
}

export const IDENTITIES_FILE = join(repoRoot, 'local', 'panel', 'identities.yaml');

export function readLocalIdentities(file = IDENTITIES_FILE): LocalIdentities {
  const doc = parse(readFileSync(file, 'utf8')) as Partial<LocalIdentities> | null;
  if (!Array.isArray(doc?.identities) || doc.access === undefined) throw new Error(`${file} needs identities: [{email, role}] and access: {headOffice, sites}`);
  return { identities: doc.identities, access: doc.access };
}

export interface LocalIap {
  /** kid → PEM, for PLANTLAKE_PANEL_LOCAL_IAP_KEYS. */
  readonly keys: Record<string, string>;
  sign(email: string, audience: string, nowMs?: number): string;
}

export function createLocalIap(): LocalIap {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = `local-${randomBytes(4).toString('hex')}`;
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    keys: { [kid]: publicKey.export({ type: 'spki', format: 'pem' }).toString() },
    sign(email, audience, nowMs = Date.now()) {
      const iat = Math.floor(nowMs / 1000);
      const body = `${b64({ alg: 'ES256', typ: 'JWT', kid })}.${b64({ iss: IAP_ISSUER, aud: audience, email, sub: `accounts.google.com:local-${email}`, iat, exp: iat + 600 })}`;
      // JWS wants the raw r‖s signature, not DER (RFC 7518 §3.4).
      const signature = createSign('SHA256').update(body).sign({ key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${body}.${signature.toString('base64url')}`;
    },
  };
}

export interface LocalIapProxy {
  readonly url: string;
  close(): Promise<void>;
}

const COOKIE = 'plantlake-local-identity';

function chosen(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v !== undefined) return decodeURIComponent(v);
  }
  return null;
}

export async function startLocalIapProxy(options: {
  target: string;
  iap: LocalIap;
  audience: string;
  identities: readonly LocalIdentity[];
  port?: number;
  host?: string;
}): Promise<LocalIapProxy> {
  const target = new URL(options.target);
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/_local-iap') {
      const items = options.identities.map((i) => `<li><a href="/_local-iap/as/${encodeURIComponent(i.email)}">${i.email}</a> — ${i.role}</li>`).join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>local sign-in</title><h2>Local sign-in (stands in for Google sign-in through IAP; local only)</h2><ul>${items}</ul>`);
      return;
    }
    if (url.pathname.startsWith('/_local-iap/as/')) {
      const email = decodeURIComponent(url.pathname.slice('/_local-iap/as/'.length));
      if (!options.identities.some((i) => i.email === email)) {
        res.writeHead(400).end(`${email} is not in local/panel/identities.yaml`);
        return;
      }
      res.writeHead(302, { location: '/office', 'set-cookie': `${COOKIE}=${encodeURIComponent(email)}; Path=/; HttpOnly; SameSite=Strict` }).end();
      return;
    }
    const email = chosen(req);
    if (email === null) {
      res.writeHead(302, { location: '/_local-iap' }).end();
      return;
    }
    const headers = { ...req.headers, host: target.host, [IAP_HEADER]: options.iap.sign(email, options.audience) };
    const upstream = request({ hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`the panel did not answer: ${err.message}`);
    });
    req.pipe(upstream);
    res.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${options.port} for the live panel is in use (another npm start?); stop that, or start with --free-ports`)
          : err,
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
