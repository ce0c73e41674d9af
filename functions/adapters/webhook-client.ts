// POSTs JSON to a chat webhook with bounded retries: exponential backoff with jitter on network
// errors, timeouts, 408, 429 and 5xx (honouring Retry-After up to the cap), then gives up with a
// transient error so Pub/Sub retries the whole message later. Any other 4xx will not get better by
// retrying (wrong URL, revoked hook, rejected payload) and is reported as permanent.
// The URL is a secret (it carries the hook's token): it never appears in errors or logs, and a
// redirect is never followed (fetch would resend the body to wherever Location points, and a
// hook that moved must be reconfigured, not chased). All attempts, waits included, fit in
// `totalMs`, so notify answers Pub/Sub before its function timeout kills it mid-retry.

export interface RetryPolicy {
  /** Tries in all, first one included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per request. */
  readonly timeoutMs: number;
  /** Every attempt and wait together; no attempt starts that could not finish within it. */
  readonly totalMs: number;
}

/** notify's worst case with the default policy; its function timeout must be longer (infra/config.ts checks). */
export const WEBHOOK_BUDGET_SECONDS = 30;
/** An attempt is not started with less time than this left (it could hardly succeed). */
const MIN_ATTEMPT_MS = 1_000;

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, timeoutMs: 10_000, totalMs: WEBHOOK_BUDGET_SECONDS * 1000 };

export class WebhookError extends Error {
  readonly permanent: boolean;
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(message: string, options: { permanent: boolean; status: number | undefined; attempts: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'WebhookError';
    this.permanent = options.permanent;
    this.status = options.status;
    this.attempts = options.attempts;
  }
}

export interface PostResult {
  readonly status: number;
  readonly attempts: number;
}

type Sleep = (ms: number) => Promise<void>;
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function postJson(url: string, body: unknown, policy: RetryPolicy = DEFAULT_RETRY, sleep: Sleep = realSleep): Promise<PostResult> {
  const payload = JSON.stringify(body);
  const deadline = performance.now() + policy.totalMs;
  const left = () => deadline - performance.now();
  let last = '';
  let lastStatus: number | undefined;
  let attempt = 0;
  while (attempt < policy.attempts && left() >= MIN_ATTEMPT_MS) {
    attempt++;
    let retryAfterMs = 0;
    const timeoutMs = Math.min(policy.timeoutMs, Math.floor(left()));
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection can be reused; its text helps explain a refusal.
      const text = (await res.text()).slice(0, 300);
      if (res.ok) return { status: res.status, attempts: attempt };
      if (res.status >= 300 && res.status < 400) {
        throw new WebhookError(
          `the chat webhook answered HTTP ${res.status}, a redirect${redirectHost(res.headers.get('location'), url)}; notify never follows one, since the URL carries the webhook's secret. ` +
            'Set the webhook URL secret to the address the chat service gives now (pulumi config set --secret plantlake:chatWebhookUrl …, then pulumi up).',
          { permanent: true, status: res.status, attempts: attempt },
        );
      }
      lastStatus = res.status;
      last = `HTTP ${res.status}${text ? `: ${text}` : ''}`;
      if (!retryable(res.status)) {
        throw new WebhookError(
          `the chat webhook refused the notification (${last}); retrying will not help. Check the webhook URL secret and PLANTLAKE_WEBHOOK_FORMAT (google-chat, slack or teams) match the chat service.`,
          { permanent: true, status: res.status, attempts: attempt },
        );
      }
      retryAfterMs = retryAfter(res.headers.get('retry-after'));
    } catch (err) {
      if (err instanceof WebhookError) throw err;
      const code = (err as { cause?: { code?: unknown } }).cause?.code;
      last =
        err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `network error${typeof code === 'string' ? ` ${code}` : ''}`;
      lastStatus = undefined;
    }
    if (attempt < policy.attempts) {
      const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      // Equal jitter: spread retries of many instances without ever retrying at once.
      const delay = Math.min(policy.maxDelayMs, Math.max(exp / 2 + Math.random() * (exp / 2), retryAfterMs));
      // A wait that leaves no time for another attempt is not worth waiting.
      if (left() - delay < MIN_ATTEMPT_MS) break;
      await sleep(delay);
    }
  }
  throw new WebhookError(
    `the chat webhook did not take the notification after ${attempt} attempt(s) within ${Math.round(policy.totalMs / 1000)} s (last: ${last}); the alert message will be retried by Pub/Sub.`,
    { permanent: false, status: lastStatus, attempts: attempt },
  );
}

/** " to another host (h)" or " on the same host", never the path or query (they carry the token). */
function redirectHost(location: string | null, from: string): string {
  if (location === null) return ' without a Location';
  try {
    const to = new URL(location, from);
    return to.host === new URL(from).host ? ' on the same host' : ` to another host (${to.host})`;
  } catch {
    return ' to an unreadable Location';
  }
}

function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Retry-After as seconds or an HTTP date, in ms (0 when absent or unreadable). */
function retryAfter(header: string | null): number {
  if (header === null) return 0;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? 0 : Math.max(0, date - Date.now());
}
