// Building AlarmEvents with deterministic ids, and their canonical order.
import { createHash } from 'node:crypto';
import { CONDITIONS, type AlarmEvent, type Condition, type Priority, type Transition } from '../../schemas/alarm-event.ts';
import { isoMs } from './time.ts';

export interface EventFacts {
  readonly site: string;
  readonly tag: string;
  readonly condition: Condition;
  readonly transition: Transition;
  readonly value: number | null;
  readonly limit: number | null;
  readonly priority: Priority;
  readonly readingMs: number;
  /** Found in late data (see alarms.ts). */
  readonly late?: boolean;
}

/**
 * The same transition always gets the same id, so a redelivered batch or a re-run can be deduped
 * downstream (notify, BigQuery). detectedAt is left out on purpose: it differs between runs.
 */
export function eventId(site: string, tag: string, condition: Condition, transition: Transition, readingTs: string, rulesVersion: string): string {
  return createHash('sha256').update([site, tag, condition, transition, readingTs, rulesVersion].join('\n')).digest('hex').slice(0, 32);
}

export function makeEvent(facts: EventFacts, detectedAt: string, rulesVersion: string): AlarmEvent {
  const readingTs = isoMs(facts.readingMs);
  return {
    eventId: eventId(facts.site, facts.tag, facts.condition, facts.transition, readingTs, rulesVersion),
    site: facts.site,
    tag: facts.tag,
    condition: facts.condition,
    transition: facts.transition,
    value: facts.value,
    limit: facts.limit,
    priority: facts.priority,
    readingTs,
    detectedAt,
    rulesVersion,
    ...(facts.late === true ? { late: true } : {}),
  };
}

const CONDITION_RANK = new Map<string, number>(CONDITIONS.map((c, i) => [c, i]));

/** Reading time, then tag, then condition (HH first), then cleared before active. */
export function compareFacts(a: EventFacts, b: EventFacts): number {
  return (
    a.readingMs - b.readingMs ||
    (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0) ||
    CONDITION_RANK.get(a.condition)! - CONDITION_RANK.get(b.condition)! ||
    (a.transition === b.transition ? 0 : a.transition === 'cleared' ? -1 : 1)
  );
}
