// POSTs JSON to a chat webhook with bounded retries: exponential backoff with jitter on network
// errors, timeouts, 408, 429 and 5xx (honouring Retry-After up to the cap), then gives up with a
// transient error so Pub/Sub retries the whole message later. Any other 4xx will not get better by
// retrying (wrong URL, revoked hook, rejected payload) and is reported as permanent.
// The URL is a secret (it carries the hook's token): it never appears in errors or logs.

export interface RetryPolicy {
  /** Tries in all, first one included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per request. */
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 8_000, timeoutMs: 10_000 };

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
  let last = '';
  let lastStatus: number | undefined;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let retryAfterMs = 0;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: payload,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      // Drain the body so the connection can be reused; its text helps explain a refusal.
      const text = (await res.text()).slice(0, 300);
      if (res.ok) return { status: res.status, attempts: attempt };
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
      last = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${policy.timeoutMs} ms` : `network error${typeof code === 'string' ? ` ${code}` : ''}`;
      lastStatus = undefined;
    }
    if (attempt < policy.attempts) {
      const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      // Equal jitter: spread retries of many instances without ever retrying at once.
      const delay = Math.min(policy.maxDelayMs, Math.max(exp / 2 + Math.random() * (exp / 2), retryAfterMs));
      await sleep(delay);
    }
  }
  throw new WebhookError(
    `the chat webhook did not take the notification after ${policy.attempts} attempts (last: ${last}); the alert message will be retried by Pub/Sub.`,
    { permanent: false, status: lastStatus, attempts: policy.attempts },
  );
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
