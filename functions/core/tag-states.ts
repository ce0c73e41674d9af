// The per-tag entries of an AlarmState as the engine uses them: fresh and copied entries, and an
// index from tag to position (with each position's rule) cached per state object.
import type { AlarmState, TagState } from '../../schemas/alarm-state.ts';
import type { CompiledRules, ResolvedRule } from './rules.ts';

/** A tag's entry before its first reading (the watermark is set by that reading). */
export function freshState(tag: string): TagState {
  return { tag, ts: Number.NEGATIVE_INFINITY, lastGood: null, lastGoodTs: null, conditions: {}, stat: null };
}

/**
 * A private copy to change. It shares the conditions object, which is never mutated (a change
 * replaces it, condition-step.ts), so only a reading that changes a condition copies one.
 */
export function copyState(state: TagState): TagState {
  return {
    tag: state.tag,
    ts: state.ts,
    lastGood: state.lastGood,
    lastGoodTs: state.lastGoodTs,
    conditions: state.conditions,
    stat: state.stat === null ? null : { ...state.stat },
  };
}

/**
 * Position of each tag in a state's sorted array, and each position's rule under one rule set:
 * built once per state object and shared by a successor state with the same tags at the same
 * positions, so a batch finds a tag's entry and rule with one map lookup.
 */
export interface StateIndex {
  readonly positions: ReadonlyMap<string, number>;
  rulesFor: CompiledRules;
  rules: Array<ResolvedRule | null | undefined>;
  /**
   * The tag at each reading index of the last batch run against this index, and its position (-1:
   * not in the state). Gateways repeat their tag order, so the next batch mostly finds its tag's
   * position here by one comparison instead of a hash lookup (positionOf).
   */
  readonly seenTags: string[];
  readonly seenPositions: number[];
  /**
   * True once every entry was settled under `rulesFor`: then no entry holds a condition those
   * rules do not configure (the engine only sets configured ones), and the orphan scan is skipped.
   */
  settled: boolean;
}
const indexes = new WeakMap<AlarmState, StateIndex>();

export function indexOf(state: AlarmState, rules: CompiledRules): StateIndex {
  let index = indexes.get(state);
  if (index === undefined) {
    index = { positions: new Map(state.tags.map((s, i) => [s.tag, i])), rulesFor: rules, rules: [], seenTags: [], seenPositions: [], settled: false };
    indexes.set(state, index);
  }
  if (index.rulesFor !== rules) [index.rulesFor, index.rules, index.settled] = [rules, [], false];
  return index;
}

/** Position of `tag` in the indexed state (undefined when absent), for the reading at index i of a batch. */
export function positionOf(index: StateIndex, tag: string, i: number): number | undefined {
  if (index.seenTags[i] === tag) {
    const seen = index.seenPositions[i]!;
    return seen === -1 ? undefined : seen;
  }
  const position = index.positions.get(tag);
  if (i <= index.seenTags.length) {
    index.seenTags[i] = tag;
    index.seenPositions[i] = position ?? -1;
  }
  return position;
}

/** The order of AlarmState.tags. */
export function byTag(a: TagState, b: TagState): number {
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}

/** Lets a successor state with the same tags at the same positions reuse an index. */
export function shareIndex(state: AlarmState, index: StateIndex): void {
  indexes.set(state, index);
}
