// The alarm engine: evaluate(prevState, batch, rules, now) → { events, state }, pure.
//
// Time: every condition runs in event time (reading ts), per tag, in ts order. Within a batch the
// readings of a tag are taken in ts order whatever order they came in; two readings of one tag with
// the same ts count once (the canonical first: lowest value, then best quality).
// Late data: each tag keeps a watermark, the ts of its last processed reading. A reading at or
// before it is late and skipped by the engine (it still lands in the lake for analysis): alarms are
// for the present, and an old reading must never re-trigger or clear one. So a batch seen twice
// changes nothing, and back-filled history of a known tag raises no alarms.
// Quality (OPC UA): good and uncertain values are evaluated; bad ones per the rule's badQuality.
// STALE is judged in event time once per call: active when the site's watermark (its newest reading,
// capped at now) is more than staleTimeout past the tag's watermark. So a replay, a back-fill or a
// gateway's store-and-forward burst is judged as it happened, not against the wall clock; with
// batch null (a timer's check) the reference is `now` itself.
// Conditions a rule no longer configures are cleared (at the tag's watermark) and forgotten.
import type { AlarmEvent, Condition, Transition } from '../../schemas/alarm-event.ts';
import type { AlarmState, TagState } from '../../schemas/alarm-state.ts';
import type { ReadingBatch } from '../../schemas/reading-batch.ts';
import { compareFacts, makeEvent, type EventFacts } from './alarm-events.ts';
import { preparedReadings } from './batch.ts';
import { setCondition, stepCondition } from './condition-step.ts';
import { bandEdge, learn, zScore } from './ewma.ts';
import { byTag, copyState, freshState, indexOf, shareIndex, type StateIndex } from './tag-states.ts';
import type { CompiledRules, ResolvedRule, StatSettings } from './rules.ts';

export interface Evaluation {
  readonly events: AlarmEvent[];
  readonly state: AlarmState;
}

const QUALITY_RANK = { good: 0, uncertain: 1, bad: 2 } as const;

/**
 * Runs one batch (or, with batch null, only the STALE check of a site) through the rules.
 * Throws when the state belongs to another site: the caller loaded the wrong state object.
 */
export function evaluate(prev: AlarmState, batch: ReadingBatch | null, rules: CompiledRules, now: Date): Evaluation {
  if (batch !== null && prev.site !== null && prev.site !== batch.site) {
    throw new Error(`the alarm state is for site ${prev.site} but the batch is from site ${batch.site}; load the state of site ${batch.site}`);
  }
  const site = batch?.site ?? prev.site;
  if (site === null) return { events: [], state: prev };
  const engine = new Engine(prev, rules, site);
  if (batch !== null) engine.readBatch(batch);
  engine.finish(batch === null ? now.getTime() : Math.min(now.getTime(), engine.siteWatermark()));
  const detectedAt = now.toISOString();
  const events = engine.facts.sort(compareFacts).map((f) => makeEvent(f, detectedAt, rules.version));
  return { events, state: engine.nextState() };
}

/**
 * One call's working set. The previous state is never mutated: a tag's entry is copied on its
 * first change (copy-on-write), and the new state shares every untouched entry with the old one.
 */
class Engine {
  facts: EventFacts[] = [];
  private readonly prev: AlarmState;
  private readonly before: readonly TagState[];
  private readonly index: StateIndex;
  private readonly rules: CompiledRules;
  private readonly site: string;
  /** Entries of `before`, with private copies where touched; null until the first change. */
  private next: TagState[] | null = null;
  private touched: Uint8Array;
  /** Tags first seen in this call. */
  private fresh = new Map<string, TagState>();
  private readonly dropped = new Set<string>();
  private watermark: number;

  constructor(prev: AlarmState, rules: CompiledRules, site: string) {
    this.prev = prev;
    // States written before the site watermark existed fall back to their newest tag.
    this.watermark = prev.watermark ?? prev.tags.reduce((m, t) => Math.max(m, t.ts), Number.NEGATIVE_INFINITY);
    this.before = prev.tags;
    this.index = indexOf(prev, rules);
    this.rules = rules;
    this.site = site;
    this.touched = new Uint8Array(prev.tags.length);
  }

  readBatch(batch: ReadingBatch): void {
    const { tags, times } = preparedReadings(batch);
    for (let i = 0; i < times.length; i++) if (times[i]! > this.watermark) this.watermark = times[i]!;
    // Most gateways send each tag's readings in time order: then one pass in arrival order is
    // exact. Otherwise start again over a canonical sort, so any order gives the same result.
    if (this.run(batch, tags, times, null)) return;
    this.next = null;
    this.touched = new Uint8Array(this.before.length);
    this.fresh = new Map();
    this.facts = [];
    this.run(batch, tags, times, canonicalOrder(batch, times));
  }

  /** Returns false (arrival-order pass only) as soon as one tag's readings are out of order. */
  private run(batch: ReadingBatch, tags: readonly string[], times: Float64Array, order: Uint32Array | null): boolean {
    const readings = batch.readings;
    for (let k = 0; k < readings.length; k++) {
      const i = order === null ? k : order[k]!;
      const tag = tags[i]!;
      const position = this.index.positions.get(tag);
      const rule = position === undefined ? this.rules.resolve(tag) : this.ruleAt(position);
      if (rule === null) continue;
      const t = times[i]!;
      let state: TagState;
      if (position !== undefined) {
        if (t <= this.before[position]!.ts) continue; // late: at or before the watermark
        if (this.touched[position] === 0) {
          state = this.own(position);
        } else {
          state = this.next![position]!;
          if (t <= state.ts) {
            if (order === null) return false; // out of order, or a repeated time, within the batch
            continue; // repeated time after the canonical sort: the first one counted
          }
        }
      } else {
        const seen = this.fresh.get(tag);
        if (seen === undefined) {
          state = freshState(tag);
          this.fresh.set(tag, state);
        } else {
          state = seen;
          if (t <= state.ts) {
            if (order === null) return false;
            continue;
          }
        }
      }
      const reading = readings[i]!;
      this.process(state, rule, t, reading.value, reading.quality);
    }
    return true;
  }

  /** The rule of the tag at a position of the previous state, resolved once per state index and rule set. */
  private ruleAt(position: number): ResolvedRule | null {
    let rule = this.index.rules[position];
    if (rule === undefined) rule = this.index.rules[position] = this.rules.resolve(this.before[position]!.tag);
    return rule;
  }

  /** The private copy of an existing entry, made on first write. */
  private own(position: number): TagState {
    this.next ??= this.before.slice();
    if (this.touched[position] === 0) {
      this.touched[position] = 1;
      this.next[position] = copyState(this.before[position]!);
    }
    return this.next[position]!;
  }

  private process(state: TagState, rule: ResolvedRule, t: number, value: number | null, quality: 'good' | 'uncertain' | 'bad'): void {
    if (quality === 'bad') {
      if (rule.badQuality === 'alarm') this.step(state, rule, 'BAD_QUALITY', true, false, t, value, null);
      else if (rule.badQuality === 'hold' && state.lastGood !== null) this.limits(state, rule, t, state.lastGood);
    } else {
      const x = (value as number) + 0; // validated: null only with quality bad; + 0 turns -0 into 0, as JSON stores it
      if (rule.badQuality === 'alarm' && state.conditions.BAD_QUALITY !== undefined) {
        this.step(state, rule, 'BAD_QUALITY', false, true, t, x, null);
      }
      this.limits(state, rule, t, x);
      if (rule.maxRateOfChange !== null && state.lastGood !== null && state.lastGoodTs !== null) {
        const rate = (Math.abs(x - state.lastGood) * 1000) / (t - state.lastGoodTs);
        this.step(state, rule, 'ROC', rate > rule.maxRateOfChange, rate <= rule.maxRateOfChange, t, x, rule.maxRateOfChange);
      }
      if (rule.stat !== null) this.statistics(state, rule, rule.stat, t, x);
      state.lastGood = x;
      state.lastGoodTs = t;
    }
    state.ts = t;
  }

  /** Absolute limits with deadband (ISA-18.2 §11.5): raise beyond the limit, clear back past limit ∓ deadband. */
  private limits(state: TagState, rule: ResolvedRule, t: number, x: number): void {
    const { HH, H, L, LL, deadband } = rule;
    if (HH !== null) this.step(state, rule, 'HH', x > HH, x <= HH - deadband, t, x, HH);
    if (H !== null) this.step(state, rule, 'H', x > H, x <= H - deadband, t, x, H);
    if (L !== null) this.step(state, rule, 'L', x < L, x >= L + deadband, t, x, L);
    if (LL !== null) this.step(state, rule, 'LL', x < LL, x >= LL + deadband, t, x, LL);
  }

  /** EWMA detector: flag beyond k·sigma, clear inside kClear·sigma (hysteresis), then learn x. */
  private statistics(state: TagState, rule: ResolvedRule, settings: StatSettings, t: number, x: number): void {
    const stat = (state.stat ??= { n: 0, mean: 0, variance: 0 });
    if (stat.n >= settings.warmup) {
      const z = zScore(stat, x, settings.minSigma);
      const transition = stepCondition(state, 'STAT', z > settings.k, z < settings.kClear, t, rule.onDelayMs, rule.offDelayMs);
      if (transition !== null) {
        const k = transition === 'active' ? settings.k : settings.kClear;
        this.emit(state, rule, 'STAT', transition, x, bandEdge(stat, x, k, settings.minSigma), t);
      }
    }
    if (!(settings.freezeWhileActive && state.conditions.STAT !== undefined)) learn(stat, x, settings.alpha);
  }

  private step(
    state: TagState, rule: ResolvedRule, condition: Condition,
    present: boolean, gone: boolean, t: number, value: number | null, limit: number | null,
  ): void {
    const transition = stepCondition(state, condition, present, gone, t, rule.onDelayMs, rule.offDelayMs);
    if (transition !== null) this.emit(state, rule, condition, transition, value, limit, t);
  }

  private emit(
    state: TagState, rule: ResolvedRule | null, condition: Condition,
    transition: Transition, value: number | null, limit: number | null, readingMs: number,
  ): void {
    // A rule that was removed has no priority to give: its clearing events say low.
    const priority = rule === null ? 'low' : rule.priority[condition];
    this.facts.push({ site: this.site, tag: state.tag, condition, transition, value, limit, priority, readingMs });
  }

  /** The newest reading time of any tag of the site (with a rule or not), this batch included. */
  siteWatermark(): number {
    return this.watermark;
  }

  /** STALE against the reference time, and conditions or tags the rules no longer cover (settled at the watermark). */
  finish(nowMs: number): void {
    for (let position = 0; position < this.before.length; position++) {
      const state = this.touched[position] === 1 ? this.next![position]! : this.before[position]!;
      this.settle(state, this.ruleAt(position), nowMs, position);
    }
    for (const state of this.fresh.values()) this.settle(state, this.rules.resolve(state.tag), nowMs, -1);
  }

  private settle(current: TagState, rule: ResolvedRule | null, nowMs: number, position: number): void {
    const staleMs = rule === null ? null : rule.staleTimeoutMs;
    const staleChanges = staleMs !== null && nowMs - current.ts > staleMs !== (current.conditions.STALE !== undefined);
    let orphans: Condition[] | undefined;
    for (const c in current.conditions) {
      if (rule === null || !configured(rule, c as Condition)) (orphans ??= []).push(c as Condition);
    }
    if (rule === null) {
      for (const c of orphans ?? []) if (current.conditions[c]!.active) this.emit(current, null, c, 'cleared', current.lastGood, null, current.ts);
      this.dropped.add(current.tag);
      return;
    }
    if (orphans === undefined && !staleChanges) return;
    const state = position === -1 ? current : this.own(position);
    for (const c of orphans ?? []) {
      if (state.conditions[c]!.active) this.emit(state, rule, c, 'cleared', state.lastGood, null, state.ts);
      delete state.conditions[c];
    }
    if (staleChanges) {
      const stale = state.conditions.STALE === undefined;
      setCondition(state, 'STALE', stale);
      this.emit(state, rule, 'STALE', stale ? 'active' : 'cleared', state.lastGood, staleMs / 1000, state.ts);
    }
  }

  nextState(): AlarmState {
    const watermarkSame = this.prev.watermark === this.watermark || (this.prev.watermark === undefined && !Number.isFinite(this.watermark));
    if (this.next === null && this.fresh.size === 0 && this.dropped.size === 0 && this.prev.site === this.site && watermarkSame) return this.prev;
    const header = {
      version: this.prev.version,
      site: this.site,
      ...(Number.isFinite(this.watermark) ? { watermark: this.watermark } : {}),
    };
    const current = this.next ?? this.before;
    if (this.fresh.size === 0 && this.dropped.size === 0) {
      const state: AlarmState = { ...header, tags: this.next ?? this.before.slice() };
      shareIndex(state, this.index); // same tags at the same positions
      return state;
    }
    const kept = current.filter((s) => !this.dropped.has(s.tag));
    const added = [...this.fresh.values()].filter((s) => !this.dropped.has(s.tag));
    return { ...header, tags: kept.concat(added).sort(byTag) };
  }
}

function configured(rule: ResolvedRule, condition: Condition): boolean {
  switch (condition) {
    case 'HH':
    case 'H':
    case 'L':
    case 'LL':
      return rule[condition] !== null;
    case 'ROC':
      return rule.maxRateOfChange !== null;
    case 'STALE':
      return rule.staleTimeoutMs !== null;
    case 'BAD_QUALITY':
      return rule.badQuality === 'alarm';
    case 'STAT':
      return rule.stat !== null;
  }
}

/** Reading indexes by time, then value (null first), then quality: a total order on what matters. */
function canonicalOrder(batch: ReadingBatch, times: Float64Array): Uint32Array {
  const readings = batch.readings;
  const order = new Uint32Array(readings.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => {
    const ra = readings[a]!;
    const rb = readings[b]!;
    return (
      times[a]! - times[b]! ||
      (ra.value ?? Number.NEGATIVE_INFINITY) - (rb.value ?? Number.NEGATIVE_INFINITY) ||
      QUALITY_RANK[ra.quality] - QUALITY_RANK[rb.quality]
    );
  });
}
