// Which alarm notifications go out, per notify instance (memory only, by design: see below). Pure.
//   - dedupe: an eventId already notified is not notified again. Detect may publish an event
//     twice (a retry after a crash, a redelivered outbox); ids are deterministic, so the second
//     copy is recognised. A redelivery of an event not yet fully sent keeps its first decision.
//   - throttle: an `active` of one site/tag/condition within `windowMs` after the last notified
//     `active` of the same is held back and counted (a chattering alarm, ISA-18.2 §16.5); a
//     `cleared` always goes out and reports how many activations were held back. An activation
//     found in late data is never held back: it is told once, as past (its cleared is not sent).
// Memory only, per instance: a fast first answer. Across instances, sent-ledger.ts keeps the
// promise (no duplicate, no older transition after a newer one); the throttle window itself
// stays per instance (a chattering alarm may get one extra notification per instance).
import type { AlarmEvent } from '../core/index.ts';

export type Decision = 'send' | 'duplicate' | 'throttled';

export interface Verdict {
  readonly decision: Decision;
  /** Activations held back since the last notification of this site/tag/condition (reported with a cleared). */
  readonly throttledBefore: number;
}

export interface Throttle {
  decide(event: AlarmEvent, nowMs: number): Verdict;
  /** The event was delivered on every channel: later copies are duplicates. */
  markSent(eventId: string): void;
}

export function createThrottle(options: { windowMs: number; remember?: number }): Throttle {
  const remember = options.remember ?? 10_000;
  const sent = new Set<string>();
  const verdicts = new Map<string, Verdict>();
  const lastActive = new Map<string, { at: number; held: number }>();

  const bounded = <K>(collection: { size: number; keys(): IterableIterator<K>; delete(k: K): boolean }) => {
    // Maps and sets iterate in insertion order: drop the oldest.
    while (collection.size > remember) collection.delete(collection.keys().next().value as K);
  };

  return {
    decide(event, nowMs) {
      if (sent.has(event.eventId)) return { decision: 'duplicate', throttledBefore: 0 };
      const earlier = verdicts.get(event.eventId);
      if (earlier !== undefined) return earlier;
      const key = `${event.site}/${event.tag}/${event.condition}`;
      const last = lastActive.get(key);
      let verdict: Verdict;
      if (event.late === true) {
        // Found in late data: told once whatever the live alarm did (notify.ts drops its cleared).
        verdict = { decision: 'send', throttledBefore: 0 };
      } else if (event.transition === 'cleared') {
        verdict = { decision: 'send', throttledBefore: last?.held ?? 0 };
        if (last !== undefined) last.held = 0;
      } else if (last !== undefined && nowMs - last.at < options.windowMs) {
        last.held++;
        verdict = { decision: 'throttled', throttledBefore: last.held };
      } else {
        verdict = { decision: 'send', throttledBefore: last?.held ?? 0 };
        lastActive.delete(key);
        lastActive.set(key, { at: nowMs, held: 0 });
        bounded(lastActive);
      }
      verdicts.set(event.eventId, verdict);
      bounded(verdicts);
      return verdict;
    },
    markSent(eventId) {
      sent.add(eventId);
      bounded(sent);
    },
  };
}
