// Plays Eventarc / a Pub/Sub push subscription on the emulators, which never push: pulls a
// subscription with the official client (streaming pull) and POSTs each message as a real push
// body to a function's HTTP server, at the path naming the topic so the Functions Framework makes
// a CloudEvent of it. A 2xx acks the message; anything else, or no answer within the ack deadline,
// holds it for the subscription's retry backoff and then nacks it, so Pub/Sub redelivers it and,
// after maxDeliveryAttempts, moves it to the dead-letter topic, as it would in Google Cloud.
//
// pstest ignores a subscription's retryPolicy (a nack redelivers at once), so the backoff is
// applied here, read from that policy. Messages with an ordering key are POSTed one at a time
// per key, in order; pstest itself holds back a key's next message until the previous is acked.
import type { Message, PubSub } from '@google-cloud/pubsub';
import { pushBody, pushPath } from './push-body.ts';

export interface DeliveryOptions {
  readonly clients: { readonly pubsub: PubSub };
  /** Subscription name (short). */
  readonly subscription: string;
  /** Base URL of the function's HTTP server, e.g. http://127.0.0.1:8081. */
  readonly url: string;
  /** Topic the subscription is on (short name), for the push path. */
  readonly topic: string;
  /** Messages POSTed at once (and held in backoff) at most. Default 8. */
  readonly concurrency?: number;
  /** Retry backoff; default: the subscription's retryPolicy (100 ms to 60 s when it has none). */
  readonly backoff?: { readonly minimumMs: number; readonly maximumMs: number };
  /** How long a POST may take; default: the subscription's ack deadline. */
  readonly timeoutMs?: number;
  /** One line per failed delivery; default stderr. */
  readonly log?: (line: string) => void;
}

export interface DeliveryStats {
  /** Messages acked after a 2xx. */
  delivered: number;
  /** Deliveries that failed (each is retried after the backoff). */
  failed: number;
  inFlight: number;
}

export interface Delivery {
  readonly stats: Readonly<DeliveryStats>;
  /** Stops pulling; waits for POSTs under way and nacks messages held in backoff. */
  stop(): Promise<void>;
}

export async function startDelivery(options: DeliveryOptions): Promise<Delivery> {
  const { pubsub } = options.clients;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { projectId } = await pubsub.getClientConfig();
  const probe = pubsub.subscription(options.subscription);
  const [meta] = await probe.getMetadata();
  const backoff = options.backoff ?? backoffOf(meta.retryPolicy);
  const timeoutMs = options.timeoutMs ?? Number(meta.ackDeadlineSeconds ?? 10) * 1000;
  const endpoint = `${options.url.replace(/\/$/, '')}${pushPath(projectId!, options.topic)}`;
  const subscriptionPath = `projects/${projectId}/subscriptions/${options.subscription}`;
  const concurrency = options.concurrency ?? 8;

  const subscription = pubsub.subscription(options.subscription, {
    flowControl: { maxMessages: concurrency, allowExcessMessages: false },
    // Send acks within milliseconds: ordered keys wait for each ack.
    batching: { maxMilliseconds: 5 },
  });
  const stats: DeliveryStats = { delivered: 0, failed: 0, inFlight: 0 };
  const pending = new Set<Promise<void>>();
  const chains = new Map<string, Promise<void>>();
  const sleepers = new Set<() => void>();
  /** Attempts per message when the subscription has no dead-letter policy (then deliveryAttempt is 0). */
  const attempts = new Map<string, number>();
  let stopping = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  async function deliver(message: Message): Promise<void> {
    if (stopping) return message.nack();
    stats.inFlight++;
    let failure: string;
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(pushBody(message, subscriptionPath)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (res.ok) {
        message.ack();
        attempts.delete(message.id);
        stats.delivered++;
        return;
      }
      failure = `HTTP ${res.status} ${text.slice(0, 300).replace(/\s+/g, ' ')}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      failure =
        err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${(err as Error).message}${cause ? ` (${cause})` : ''}`;
    } finally {
      stats.inFlight--;
    }
    stats.failed++;
    const attempt = message.deliveryAttempt || (attempts.get(message.id) ?? 0) + 1;
    attempts.set(message.id, attempt);
    // Messages that end in the dead-letter topic are never acked here: keep the map bounded.
    if (attempts.size > 10_000) attempts.delete(attempts.keys().next().value!);
    const delay = Math.min(backoff.maximumMs, backoff.minimumMs * 2 ** (attempt - 1));
    log(`delivery of message ${message.id} from ${options.subscription} failed (attempt ${attempt}): ${failure}; redelivery in ${delay} ms`);
    await sleep(delay);
    message.nack();
  }

  function track(p: Promise<void>): void {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }

  subscription.on('message', (message: Message) => {
    const key = message.orderingKey;
    if (!key) return track(deliver(message));
    const next = (chains.get(key) ?? Promise.resolve()).then(() => deliver(message));
    chains.set(key, next);
    track(
      next.finally(() => {
        if (chains.get(key) === next) chains.delete(key);
      }),
    );
  });
  subscription.on('error', (err: Error) => log(`pulling ${options.subscription} failed: ${err.message}`));

  return {
    stats,
    async stop() {
      stopping = true;
      for (const wake of [...sleepers]) wake();
      while (pending.size > 0) await Promise.allSettled([...pending]);
      subscription.removeAllListeners('message');
      await subscription.close();
    },
  };
}

interface Duration {
  seconds?: number | string | { toString(): string } | null;
  nanos?: number | null;
}

function backoffOf(policy: { minimumBackoff?: Duration | null; maximumBackoff?: Duration | null } | null | undefined) {
  const ms = (d: Duration | null | undefined, fallback: number) => (d ? Number(String(d.seconds ?? 0)) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : fallback);
  return { minimumMs: ms(policy?.minimumBackoff, 100), maximumMs: ms(policy?.maximumBackoff, 60_000) };
}
