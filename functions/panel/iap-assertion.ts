// Verifies the identity IAP puts on every request (x-goog-iap-jwt-assertion: an ES256 JWT), with
// google-auth-library, as Google documents (https://cloud.google.com/iap/docs/signed-headers-howto):
// signature against IAP's public keys, issuer https://cloud.google.com/iap, audience of this
// service, expiry. Locally the same check runs against a local key (local/panel/local-iap.ts):
// only where the keys come from differs.
import { OAuth2Client } from 'google-auth-library';

export const IAP_HEADER = 'x-goog-iap-jwt-assertion';
export const IAP_ISSUER = 'https://cloud.google.com/iap';

export type Identity = { readonly ok: true; readonly email: string; readonly subject: string } | { readonly ok: false; readonly reason: string };

export interface IapVerifier {
  verify(assertion: string | undefined): Promise<Identity>;
}

export interface IapVerifierOptions {
  /** `/projects/NUMBER/locations/REGION/services/NAME` for IAP on Cloud Run. */
  readonly audience: string;
  /** kid → PEM public key; absent: IAP's published keys, fetched and refreshed on an unknown kid. */
  readonly keys?: Readonly<Record<string, string>>;
  readonly client?: OAuth2Client;
}

const KEYS_TTL_MS = 3_600_000;

export function createIapVerifier(options: IapVerifierOptions): IapVerifier {
  const client = options.client ?? new OAuth2Client();
  let fetched: { keys: Record<string, string>; at: number } | undefined;
  const googleKeys = async (kid: string | undefined): Promise<Record<string, string>> => {
    if (fetched === undefined || Date.now() - fetched.at > KEYS_TTL_MS || (kid !== undefined && !(kid in fetched.keys))) {
      const response = await client.getIapPublicKeysAsync();
      fetched = { keys: response.pubkeys as unknown as Record<string, string>, at: Date.now() };
    }
    return fetched.keys;
  };
  return {
    async verify(assertion) {
      if (assertion === undefined || assertion === '') {
        return {
          ok: false,
          reason: `no ${IAP_HEADER} header: the panel is reached only through Identity-Aware Proxy; open it at its IAP address (locally: the URL npm start prints)`,
        };
      }
      let kid: string | undefined;
      try {
        kid = (JSON.parse(Buffer.from(assertion.split('.')[0] ?? '', 'base64url').toString()) as { kid?: string }).kid;
      } catch {
        return { ok: false, reason: `the ${IAP_HEADER} header is not a JWT` };
      }
      try {
        const keys = options.keys ?? (await googleKeys(kid));
        const ticket = await client.verifySignedJwtWithCertsAsync(assertion, keys, options.audience, [IAP_ISSUER]);
        const payload = ticket.getPayload();
        if (payload?.email === undefined || payload.sub === undefined) return { ok: false, reason: 'the IAP assertion names no e-mail' };
        return { ok: true, email: payload.email, subject: payload.sub };
      } catch (err) {
        return { ok: false, reason: `the IAP assertion was refused: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  };
}
