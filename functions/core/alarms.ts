// The alarm engine: evaluate(prevState, batch, rules, now) → { events, state }, pure.
//
// Time: every condition runs in event time (reading ts), per tag, in ts order. Within a batch the
// readings of a tag are taken in ts order whatever order they came in; two readings of one tag with
// the same ts count once: the highest value wins (a value beats none), then the best quality, the
// same rule as the daily load's dedupe (functions/daily/replace-sql.ts).
// A reading stamped after the receive time (`now`, a gateway clock running ahead) is judged as of
// the receive time, so no watermark ever passes it and a forged future batch cannot blind a tag.
// Late data: each tag keeps a watermark, the ts of its last processed reading. A reading before it
// is late: it never changes the live state (an old reading must not re-trigger or clear a live
// alarm), but it is still judged, so no excursion is lost to delivery order. The late readings of
// a tag in one batch run, in ts order, through a scratch copy of the tag that starts idle, against
// the absolute limits and bad quality (rate of change and EWMA need the tag's unbroken history);
// each excursion found becomes an active event with `late: true` at its real reading time, and its
// cleared event at the first late reading back inside, else at the tag's watermark (the earliest
// time it is known to be over). Excursions of a condition that is active live are left out: the
// live alarm covers them. A reading at exactly its tag's watermark is a duplicate across batches:
// the first one processed counts. The ids of the last batches that changed the state or raised
// events are kept, so a redelivered batch changes nothing and is not judged again as late data.
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
import { removeCondition, setCondition, stepCondition } from './condition-step.ts';
import { bandEdge, learn, zScore } from './ewma.ts';
import { byTag, copyState, freshState, indexOf, positionOf, shareIndex, type StateIndex } from './tag-states.ts';
import type { CompiledRules, ResolvedRule, StatSettings } from './rules.ts';

export interface Evaluation {
  readonly events: AlarmEvent[];
  readonly state: AlarmState;
}

const QUALITY_RANK = { good: 0, uncertain: 1, bad: 2 } as const;
/** Batch ids kept in the state to recognise a redelivery (a few minutes of a busy site). */
export const RECENT_BATCHES = 256;

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
  // A batch that already changed this state (a redelivery): its readings were judged then.
  if (batch !== null && prev.recentBatches?.includes(batch.batchId) === true) return { events: [], state: prev };
  const engine = new Engine(prev, rules, site);
  if (batch !== null) engine.readBatch(batch, now.getTime());
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
  /** Indexes of late readings (before their tag's watermark), judged after the live pass. */
  private late: number[] = [];
  /** Facts emitted now come from late data. */
  private judgingLate = false;
  private batchId: string | null = null;

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

  readBatch(batch: ReadingBatch, nowMs: number): void {
    const { tags } = preparedReadings(batch);
    const times = capped(preparedReadings(batch).times, nowMs);
    this.batchId = batch.batchId;
    let watermark = this.watermark;
    for (let i = 0; i < times.length; i++) if (times[i]! > watermark) watermark = times[i]!;
    this.watermark = watermark;
    // Most gateways send each tag's readings in time order: then one pass in arrival order is
    // exact. Otherwise start again over a canonical sort, so any order gives the same result.
    if (!this.run(batch, tags, times, null)) {
      this.next = null;
      this.touched = new Uint8Array(this.before.length);
      this.fresh = new Map();
      this.facts = [];
      this.late = [];
      this.run(batch, tags, times, canonicalOrder(batch, times));
    }
    if (this.late.length > 0) this.judgeLate(batch, tags, times);
  }

  /** The late readings, tag by tag in canonical order, through a scratch copy of each tag (see the header). */
  private judgeLate(batch: ReadingBatch, tags: readonly string[], times: Float64Array): void {
    const readings = batch.readings;
    const order = canonicalOrder(batch, times, this.late);
    order.sort((a, b) => (tags[a]! < tags[b]! ? -1 : tags[a]! > tags[b]! ? 1 : 0)); // stable: ts order kept per tag
    this.judgingLate = true;
    let k = 0;
    while (k < order.length) {
      const tag = tags[order[k]!]!;
      const position = this.index.positions.get(tag)!;
      const rule = this.ruleAt(position)!;
      const limitsOnly: ResolvedRule = { ...rule, maxRateOfChange: null, stat: null };
      const scratch = freshState(tag);
      const first = this.facts.length;
      for (; k < order.length && tags[order[k]!] === tag; k++) {
        const i = order[k]!;
        if (times[i]! <= scratch.ts) continue; // a repeated time: the canonical first counted
        this.process(scratch, limitsOnly, times[i]!, readings[i]!.value, readings[i]!.quality);
      }
      const live = this.touched[position] === 1 ? this.next![position]! : this.before[position]!;
      const found = this.facts.splice(first).filter((f) => live.conditions[f.condition]?.active !== true);
      this.facts.push(...found);
      for (const c in scratch.conditions) {
        const condition = c as Condition;
        if (scratch.conditions[condition]!.active && live.conditions[condition]?.active !== true) {
          this.emit(live, rule, condition, 'cleared', live.lastGood, limitOf(rule, condition), live.ts);
        }
      }
    }
    this.judgingLate = false;
  }

  /** Returns false (arrival-order pass only) as soon as one tag's readings are out of order. */
  private run(batch: ReadingBatch, tags: readonly string[], times: Float64Array, order: Uint32Array | null): boolean {
    const readings = batch.readings;
    for (let k = 0; k < readings.length; k++) {
      const i = order === null ? k : order[k]!;
      const tag = tags[i]!;
      const position = positionOf(this.index, tag, i);
      const rule = position === undefined ? this.rules.resolve(tag) : this.ruleAt(position);
      if (rule === null) continue;
      const t = times[i]!;
      let state: TagState;
      if (position !== undefined) {
        const watermark = this.before[position]!.ts;
        if (t <= watermark) {
          if (t < watermark) this.late.push(i); // at the watermark: a duplicate across batches
          continue;
        }
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
    state: TagState,
    rule: ResolvedRule,
    condition: Condition,
    present: boolean,
    gone: boolean,
    t: number,
    value: number | null,
    limit: number | null,
  ): void {
    const transition = stepCondition(state, condition, present, gone, t, rule.onDelayMs, rule.offDelayMs);
    if (transition !== null) this.emit(state, rule, condition, transition, value, limit, t);
  }

  private emit(
    state: TagState,
    rule: ResolvedRule | null,
    condition: Condition,
    transition: Transition,
    value: number | null,
    limit: number | null,
    readingMs: number,
  ): void {
    // A rule that was removed has no priority to give: its clearing events say low.
    const priority = rule === null ? 'low' : rule.priority[condition];
    const facts: EventFacts = { site: this.site, tag: state.tag, condition, transition, value, limit, priority, readingMs };
    this.facts.push(this.judgingLate ? { ...facts, late: true } : facts);
  }

  /** The newest reading time of any tag of the site (with a rule or not), this batch included. */
  siteWatermark(): number {
    return this.watermark;
  }

  /** STALE against the reference time, and conditions or tags the rules no longer cover (settled at the watermark). */
  finish(nowMs: number): void {
    const scan = !this.index.settled;
    for (let position = 0; position < this.before.length; position++) {
      const state = this.touched[position] === 1 ? this.next![position]! : this.before[position]!;
      this.settle(state, this.ruleAt(position), nowMs, position, scan);
    }
    for (const state of this.fresh.values()) this.settle(state, this.rules.resolve(state.tag), nowMs, -1, true);
  }

  private settle(current: TagState, rule: ResolvedRule | null, nowMs: number, position: number, scan: boolean): void {
    const staleMs = rule === null ? null : rule.staleTimeoutMs;
    const staleChanges = staleMs !== null && nowMs - current.ts > staleMs !== (current.conditions.STALE !== undefined);
    let orphans: Condition[] | undefined;
    if (scan || rule === null) {
      for (const c in current.conditions) {
        if (rule === null || !configured(rule, c as Condition)) (orphans ??= []).push(c as Condition);
      }
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
      removeCondition(state, c);
    }
    if (staleChanges) {
      const stale = state.conditions.STALE === undefined;
      setCondition(state, 'STALE', stale);
      this.emit(state, rule, 'STALE', stale ? 'active' : 'cleared', state.lastGood, staleMs / 1000, state.ts);
    }
  }

  nextState(): AlarmState {
    const watermarkSame = this.prev.watermark === this.watermark || (this.prev.watermark === undefined && !Number.isFinite(this.watermark));
    // Events from late data change no tag, but the batch is remembered, so a replay is not judged again.
    if (this.next === null && this.fresh.size === 0 && this.dropped.size === 0 && this.prev.site === this.site && watermarkSame && this.facts.length === 0)
      return this.prev;
    const recent = this.prev.recentBatches ?? [];
    const header = {
      version: this.prev.version,
      site: this.site,
      ...(Number.isFinite(this.watermark) ? { watermark: this.watermark } : {}),
      ...(this.batchId === null
        ? this.prev.recentBatches === undefined
          ? {}
          : { recentBatches: recent }
        : { recentBatches: [...recent.slice(1 - RECENT_BATCHES), this.batchId] }),
    };
    const current = this.next ?? this.before;
    if (this.fresh.size === 0 && this.dropped.size === 0) {
      const state: AlarmState = { ...header, tags: this.next ?? this.before.slice() };
      // Same tags at the same positions, every one settled under these rules (not so the previous
      // state's entries: evaluated again, it is scanned again).
      shareIndex(state, { ...this.index, settled: true });
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

/**
 * Reading indexes (all, or `only`) by time, then value (highest first, null last), then quality
 * (best first): a total order on what matters, whose first per (tag, ts) is the duplicate that wins.
 */
function canonicalOrder(batch: ReadingBatch, times: Float64Array, only?: readonly number[]): Uint32Array {
  const readings = batch.readings;
  const order = only === undefined ? new Uint32Array(readings.length) : Uint32Array.from(only);
  if (only === undefined) for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => {
    const ra = readings[a]!;
    const rb = readings[b]!;
    return (
      times[a]! - times[b]! ||
      (rb.value ?? Number.NEGATIVE_INFINITY) - (ra.value ?? Number.NEGATIVE_INFINITY) ||
      QUALITY_RANK[ra.quality] - QUALITY_RANK[rb.quality]
    );
  });
}

/** The reading times, none after `nowMs` (a copy only when one is). */
function capped(times: Float64Array, nowMs: number): Float64Array {
  let i = 0;
  while (i < times.length && times[i]! <= nowMs) i++;
  if (i === times.length) return times;
  const copy = times.slice();
  for (; i < copy.length; i++) if (copy[i]! > nowMs) copy[i] = nowMs;
  return copy;
}

function limitOf(rule: ResolvedRule, condition: Condition): number | null {
  switch (condition) {
    case 'HH':
    case 'H':
    case 'L':
    case 'LL':
      return rule[condition];
    default:
      return null;
  }
}
