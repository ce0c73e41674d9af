// What notify has sent, per site/tag/condition, shared by every notify instance: one small object
// in the raw bucket (notify/…), changed only with generation preconditions. It makes two promises
// that instance memory (throttle.ts) cannot keep across instances:
//   - an event already notified is never notified again (a racing duplicate from detect's
//     outbox, a redelivery to another instance);
//   - an older transition is never notified after a newer one: once `cleared` went out, a late or
//     duplicate `active` of the same excursion is dropped as superseded. While one instance is
//     sending (a claim younger than CLAIM_TTL_MS), a newer event waits (the caller throws, and
//     Pub/Sub redelivers it later), so the chat sees active before cleared even when two
//     instances race.
// A failed send gives its claim back, so the retry is not held up.
// https://cloud.google.com/storage/docs/request-preconditions
import type { Bucket } from '@google-cloud/storage';
import { OBJECTS, type AlarmEvent } from '../core/index.ts';
import { isNotFound, isPreconditionFailed } from '../adapters/storage-errors.ts';
import { WEBHOOK_BUDGET_SECONDS } from '../adapters/webhook-client.ts';

/** A claim older than this is a dead sender's (notify's webhook budget plus a margin). */
export const CLAIM_TTL_MS = (WEBHOOK_BUDGET_SECONDS + 15) * 1000;

export interface Mark {
  readonly eventId: string;
  readonly transition: AlarmEvent['transition'];
  readonly readingTs: string;
}

export interface LedgerState {
  /** The newest event notified. */
  readonly sent?: Mark;
  /** An event being sent now. */
  readonly pending?: Mark & { readonly claimedAt: string };
}

export type LedgerDecision =
  | { readonly decision: 'send' }
  | { readonly decision: 'duplicate' }
  | { readonly decision: 'superseded'; readonly by: Mark }
  | { readonly decision: 'wait'; readonly for: Mark };

const rank = (t: AlarmEvent['transition']) => (t === 'cleared' ? 1 : 0);

/** a is a later transition than b: later reading time, or the same time and cleared after active. */
export function isNewer(a: Mark, b: Mark): boolean {
  const ta = Date.parse(a.readingTs);
  const tb = Date.parse(b.readingTs);
  return ta > tb || (ta === tb && rank(a.transition) > rank(b.transition));
}

/** Pure: what to do with `event` given the shared state. */
export function decide(state: LedgerState, event: Mark, nowMs: number): LedgerDecision {
  if (state.sent?.eventId === event.eventId) return { decision: 'duplicate' };
  if (state.sent !== undefined && isNewer(state.sent, event)) return { decision: 'superseded', by: state.sent };
  const pending = state.pending;
  if (pending !== undefined && nowMs - Date.parse(pending.claimedAt) < CLAIM_TTL_MS) {
    if (pending.eventId === event.eventId) return { decision: 'wait', for: pending };
    if (isNewer(pending, event)) return { decision: 'superseded', by: pending };
    return { decision: 'wait', for: pending };
  }
  return { decision: 'send' };
}

export interface Claim {
  /** Record the event as sent (after every channel took it). */
  confirm(): Promise<void>;
  /** Give the claim back (the send failed and will be retried). */
  abandon(): Promise<void>;
}

export type ClaimResult = Exclude<LedgerDecision, { decision: 'send' }> | { readonly decision: 'send'; readonly claim: Claim };

export function ledgerObjectName(event: Pick<AlarmEvent, 'site' | 'tag' | 'condition'>): string {
  // KKS codes may hold spaces and '='; encoded, every name is one flat, unambiguous object.
  const part = (s: string) => encodeURIComponent(s);
  return `${NOTIFY_LEDGER_PREFIX}site=${part(event.site)}/tag=${part(event.tag)}/condition=${part(event.condition)}.json`;
}

export const NOTIFY_LEDGER_PREFIX = OBJECTS.notifyLedgerPrefix;

export function createLedger(bucket: Bucket, now: () => Date = () => new Date()) {
  async function read(name: string): Promise<{ state: LedgerState; generation: number }> {
    for (;;) {
      let generation: number;
      try {
        generation = Number((await bucket.file(name).getMetadata())[0].generation);
      } catch (err) {
        if (isNotFound(err)) return { state: {}, generation: 0 };
        throw err;
      }
      try {
        // That exact generation, so the state read and the precondition written against agree.
        const [body] = await bucket.file(name, { generation }).download();
        return { state: JSON.parse(body.toString('utf8')) as LedgerState, generation };
      } catch (err) {
        if (!isNotFound(err)) throw err; // replaced in between: read again
      }
    }
  }
  async function write(name: string, state: LedgerState, ifGenerationMatch: number): Promise<number> {
    const file = bucket.file(name);
    await file.save(JSON.stringify(state), {
      resumable: false,
      preconditionOpts: { ifGenerationMatch },
      metadata: { contentType: 'application/json', cacheControl: 'no-store' },
    });
    // The upload's answer carries the new generation; ask only if it did not.
    return file.metadata.generation !== undefined ? Number(file.metadata.generation) : Number((await file.getMetadata())[0].generation);
  }
  /** Applies `change` to the current state, retrying on a lost race; `undefined` = nothing to do. */
  async function update(name: string, change: (s: LedgerState) => LedgerState | undefined): Promise<void> {
    for (let i = 0; i < 10; i++) {
      const { state, generation } = await read(name);
      const next = change(state);
      if (next === undefined) return;
      try {
        await write(name, next, generation);
        return;
      } catch (err) {
        if (!isPreconditionFailed(err)) throw err;
      }
    }
    throw new Error(`gs://${bucket.name}/${name} kept changing under notify; Pub/Sub will retry the alert`);
  }

  return {
    async claim(event: AlarmEvent): Promise<ClaimResult> {
      const name = ledgerObjectName(event);
      const mark: Mark = { eventId: event.eventId, transition: event.transition, readingTs: event.readingTs };
      for (let i = 0; i < 10; i++) {
        const { state, generation } = await read(name);
        const verdict = decide(state, mark, now().getTime());
        if (verdict.decision !== 'send') return verdict;
        const pending = { ...mark, claimedAt: now().toISOString() };
        const claimedState: LedgerState = { ...state, pending };
        let claimedGeneration: number;
        try {
          claimedGeneration = await write(name, claimedState, generation);
        } catch (err) {
          if (isPreconditionFailed(err)) continue; // another instance changed it: decide again
          throw err;
        }
        const ours = (s: LedgerState) => s.pending?.eventId === mark.eventId && s.pending.claimedAt === pending.claimedAt;
        return {
          decision: 'send',
          claim: {
            confirm: async () => {
              // Usually nobody touched it since the claim: one conditional write, no read.
              const { pending: _p, ...rest } = claimedState;
              const sent = rest.sent !== undefined && isNewer(rest.sent, mark) ? rest.sent : mark;
              try {
                await write(name, { ...rest, sent }, claimedGeneration);
                return;
              } catch (err) {
                if (!isPreconditionFailed(err)) throw err;
              }
              await update(name, (s) => {
                // Never move `sent` backwards, even if a newer event went out meanwhile (a claim
                // that outlived its TTL).
                const latest = s.sent !== undefined && isNewer(s.sent, mark) ? s.sent : mark;
                const { pending: p, ...others } = s;
                return { ...others, sent: latest, ...(p !== undefined && !ours(s) ? { pending: p } : {}) };
              });
            },
            abandon: () =>
              update(name, (s) => {
                if (!ours(s)) return undefined;
                const { pending: _p, ...rest } = s;
                return rest;
              }),
          },
        };
      }
      throw new Error(`gs://${bucket.name}/${name} kept changing under notify; Pub/Sub will retry the alert`);
    },
  };
}

export class NotifyWaitError extends Error {
  constructor(event: AlarmEvent, waitingFor: Mark) {
    super(
      `held ${event.tag} ${event.condition} ${event.transition} (${event.eventId}) back: another notify instance is sending ` +
        `${waitingFor.transition} ${waitingFor.eventId} of the same alarm right now; Pub/Sub redelivers this one shortly, so the chat sees them in order`,
    );
    this.name = 'NotifyWaitError';
  }
}
