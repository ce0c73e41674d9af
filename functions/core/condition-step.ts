// One alarm condition over time: on-delay and off-delay in event time (ISA-18.2 §11.5, "alarm
// on-delay / off-delay"), with the hysteresis decided by the caller (`present` to raise, `gone`
// to clear, a deadband between them). Only transitions allocate.
// A tag's `conditions` object is never mutated: a change puts a new one in its place. So a copied
// tag state shares it with the state it came from, and a reading that changes no condition (most
// readings) copies nothing (copy-on-write, tag-states.ts copyState).
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
  const current = state.conditions[condition];
  if (current === undefined || !current.active) {
    if (!present) {
      if (current !== undefined) removeCondition(state, condition);
      return null;
    }
    const since = current?.since ?? t;
    if (t - since >= onDelayMs) {
      putCondition(state, condition, ACTIVE);
      return 'active';
    }
    if (current === undefined) putCondition(state, condition, { active: false, since: t });
    return null;
  }
  if (!gone) {
    if (current.since !== null) putCondition(state, condition, ACTIVE);
    return null;
  }
  const since = current.since ?? t;
  if (t - since >= offDelayMs) {
    removeCondition(state, condition);
    return 'cleared';
  }
  if (current.since === null) putCondition(state, condition, { active: true, since: t });
  return null;
}

/** Sets a condition without delays (STALE, whose timeout is its delay). */
export function setCondition(state: TagState, condition: Condition, active: boolean): void {
  if (active) putCondition(state, condition, ACTIVE);
  else removeCondition(state, condition);
}

/** Replaces the tag's conditions with a copy that has `condition` set (a present key keeps its place, as an assignment would). */
function putCondition(state: TagState, condition: Condition, value: ConditionState): void {
  state.conditions = { ...state.conditions, [condition]: value };
}

/** Replaces the tag's conditions with a copy without `condition` (the others in their order, as a delete would leave them). */
export function removeCondition(state: TagState, condition: Condition): void {
  const next: TagState['conditions'] = {};
  const conditions = state.conditions;
  for (const c in conditions) if (c !== condition) next[c as Condition] = conditions[c as Condition];
  state.conditions = next;
}
