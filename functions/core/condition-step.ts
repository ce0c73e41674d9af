// One alarm condition over time: on-delay and off-delay in event time (ISA-18.2 §11.5, "alarm
// on-delay / off-delay"), with the hysteresis decided by the caller (`present` to raise, `gone`
// to clear, a deadband between them). Only transitions allocate.
import type { Condition, Transition } from '../../schemas/alarm-event.ts';
import type { ConditionState, TagState } from '../../schemas/alarm-state.ts';

const ACTIVE: ConditionState = Object.freeze({ active: true, since: null });

/**
 * Advances `condition` of a tag by one reading at `t` (epoch ms). Inactive: raises once `present`
 * has held from its first reading for onDelayMs (a single reading beyond a limit is swallowed when
 * onDelay > 0). Active: clears once `gone` has held for offDelayMs. A reading that breaks the run
 * restarts the delay. Returns the transition, or null.
 */
export function stepCondition(
  state: TagState,
  condition: Condition,
  present: boolean,
  gone: boolean,
  t: number,
  onDelayMs: number,
  offDelayMs: number,
): Transition | null {
  const conditions = state.conditions;
  const current = conditions[condition];
  if (current === undefined || !current.active) {
    if (!present) {
      if (current !== undefined) delete conditions[condition];
      return null;
    }
    const since = current?.since ?? t;
    if (t - since >= onDelayMs) {
      conditions[condition] = ACTIVE;
      return 'active';
    }
    if (current === undefined) conditions[condition] = { active: false, since: t };
    return null;
  }
  if (!gone) {
    if (current.since !== null) conditions[condition] = ACTIVE;
    return null;
  }
  const since = current.since ?? t;
  if (t - since >= offDelayMs) {
    delete conditions[condition];
    return 'cleared';
  }
  if (current.since === null) conditions[condition] = { active: true, since: t };
  return null;
}

/** Sets a condition without delays (STALE, whose timeout is its delay). */
export function setCondition(state: TagState, condition: Condition, active: boolean): void {
  if (active) state.conditions[condition] = ACTIVE;
  else delete state.conditions[condition];
}
