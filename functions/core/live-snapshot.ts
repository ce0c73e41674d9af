// The live snapshot of one site (OBJECTS.liveSnapshot): what the panel shows "now" without
// reading the lake — per tag the latest value, quality and time plus a short series at reduced
// resolution (one bucket per minute: min, max, last), and the site's alarms.
// Merging is order-free and idempotent (latest by event time, min/max, last-writer-wins per alarm
// on reading time), so at-least-once delivery, replays and racing detect instances converge on
// the same snapshot. Pure: no cloud imports.
import type { AlarmEvent, AlarmState, Condition, Priority, Quality, ReadingBatch } from '../../schemas/index.ts';
import { preparedReadings } from './batch.ts';
import type { CompiledRules } from './rules.ts';

export const LIVE_SNAPSHOT_VERSION = 1;
export const MINUTE_MS = 60_000;

/** [bucket start (epoch ms, whole minute), min, max, last, time of last]. Values of bad readings are not bucketed. */
export type SeriesBucket = [start: number, min: number, max: number, last: number, lastTs: number];

export interface LiveTag {
  readonly tag: string;
  readonly value: number | null;
  readonly quality: Quality;
  /** Event time (epoch ms) of the latest reading. */
  readonly ts: number;
  readonly unit: string | null;
  /** Oldest first, one per minute that had a usable value. */
  readonly series: readonly SeriesBucket[];
}

export interface LiveAlarm {
  readonly tag: string;
  readonly condition: Condition;
  readonly active: boolean;
  /** Null when the rule is gone and the event that raised it was not seen. */
  readonly priority: Priority | null;
  /** Reading time (epoch ms) of the transition this entry reflects: activation or clearance. */
  readonly at: number;
  readonly value: number | null;
  readonly limit: number | null;
}

export interface LiveSnapshot {
  readonly version: typeof LIVE_SNAPSHOT_VERSION;
  readonly site: string;
  /** Receive time (epoch ms) of the last merge: how fresh the snapshot itself is. */
  readonly updatedAt: number;
  /** Newest reading time (epoch ms) of any tag; the series window ends here. */
  readonly watermark: number | null;
  /** Sorted by tag. */
  readonly tags: readonly LiveTag[];
  /** Active alarms and recently cleared ones (kept so a late event cannot resurrect a cleared alarm), sorted. */
  readonly alarms: readonly LiveAlarm[];
}

export interface SnapshotSettings {
  /** Length of the series kept per tag, before the watermark. */
  readonly seriesMs: number;
}

export const DEFAULT_SNAPSHOT_SETTINGS: SnapshotSettings = { seriesMs: 6 * 3_600_000 };

export function emptySnapshot(site: string): LiveSnapshot {
  return { version: LIVE_SNAPSHOT_VERSION, site, updatedAt: 0, watermark: null, tags: [], alarms: [] };
}

interface MutableTag {
  tag: string;
  value: number | null;
  quality: Quality;
  ts: number;
  unit: string | null;
  series: Map<number, SeriesBucket>;
}

/** Later reading wins; at equal times a fixed order (good over worse, then the larger value) so the result is order-free. */
function newer(ts: number, value: number | null, quality: Quality, than: MutableTag): boolean {
  if (ts !== than.ts) return ts > than.ts;
  const rank = { good: 2, uncertain: 1, bad: 0 } as const;
  if (rank[quality] !== rank[than.quality]) return rank[quality] > rank[than.quality];
  return (value ?? -Infinity) > (than.value ?? -Infinity);
}

/**
 * The snapshot after a batch: readings merged, alarms updated from the batch's events, then
 * reconciled with the committed alarm state (an event whose snapshot write was lost is recovered
 * from the state on the next batch), series trimmed to the window. `batch` null: alarms only,
 * for a commit without readings (a STALE sweep of a silent site).
 */
export function mergeSnapshot(
  previous: LiveSnapshot,
  batch: ReadingBatch | null,
  input: { readonly events: readonly AlarmEvent[]; readonly state: AlarmState; readonly rules: CompiledRules | null; readonly now: Date },
  settings: SnapshotSettings = DEFAULT_SNAPSHOT_SETTINGS,
): LiveSnapshot {
  const tags = new Map<string, MutableTag>();
  for (const t of previous.tags) tags.set(t.tag, { ...t, series: new Map(t.series.map((b) => [b[0], b])) });
  const { tags: codes, times } = batch === null ? { tags: [], times: new Float64Array(0) } : preparedReadings(batch);
  let watermark = previous.watermark ?? -Infinity;
  (batch?.readings ?? []).forEach((reading, i) => {
    const tag = codes[i]!;
    const ts = times[i]!;
    if (ts > watermark) watermark = ts;
    let entry = tags.get(tag);
    if (entry === undefined) {
      entry = { tag, value: reading.value, quality: reading.quality, ts, unit: reading.unit ?? null, series: new Map() };
      tags.set(tag, entry);
    } else if (newer(ts, reading.value, reading.quality, entry)) {
      entry.value = reading.value;
      entry.quality = reading.quality;
      entry.ts = ts;
      if (reading.unit !== undefined) entry.unit = reading.unit;
    }
    if (reading.value === null || reading.quality === 'bad') return;
    const start = Math.floor(ts / MINUTE_MS) * MINUTE_MS;
    const v = reading.value;
    const b = entry.series.get(start);
    if (b === undefined) entry.series.set(start, [start, v, v, v, ts]);
    else {
      const later = ts > b[4] || (ts === b[4] && v > b[3]);
      entry.series.set(start, [start, Math.min(b[1], v), Math.max(b[2], v), later ? v : b[3], later ? ts : b[4]]);
    }
  });
  const finite = Number.isFinite(watermark) ? watermark : null;
  const from = finite === null ? -Infinity : finite - settings.seriesMs;
  const outTags: LiveTag[] = [...tags.values()]
    .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .map((t) => ({
      tag: t.tag,
      value: t.value,
      quality: t.quality,
      ts: t.ts,
      unit: t.unit,
      series: [...t.series.values()].filter((b) => b[0] + MINUTE_MS > from).sort((a, b) => a[0] - b[0]),
    }));
  return {
    version: LIVE_SNAPSHOT_VERSION,
    site: previous.site,
    updatedAt: Math.max(previous.updatedAt, input.now.getTime()),
    watermark: finite,
    tags: outTags,
    alarms: mergeAlarms(previous.alarms, input.events, input.state, input.rules, from),
  };
}

const key = (tag: string, condition: string) => `${tag}\n${condition}`;

function mergeAlarms(
  previous: readonly LiveAlarm[],
  events: readonly AlarmEvent[],
  state: AlarmState,
  rules: CompiledRules | null,
  keepClearedFrom: number,
): LiveAlarm[] {
  const alarms = new Map(previous.map((a) => [key(a.tag, a.condition), a]));
  for (const e of events) {
    const at = Date.parse(e.readingTs);
    const current = alarms.get(key(e.tag, e.condition));
    const active = e.transition === 'active';
    // Last writer wins on reading time; at a tie a clearance wins (the engine clears after it raises).
    if (current !== undefined && (at < current.at || (at === current.at && current.active === false))) continue;
    alarms.set(key(e.tag, e.condition), { tag: e.tag, condition: e.condition, active, priority: e.priority, at, value: e.value, limit: e.limit });
  }
  // The committed state is the truth up to each tag's watermark.
  for (const t of state.tags) {
    for (const [condition, c] of Object.entries(t.conditions) as Array<[Condition, { active: boolean } | undefined]>) {
      const k = key(t.tag, condition);
      const current = alarms.get(k);
      const isActive = c?.active === true;
      if (isActive && (current === undefined || (!current.active && current.at <= t.ts))) {
        const priority = rules?.resolve(t.tag)?.priority[condition] ?? null;
        alarms.set(k, { tag: t.tag, condition, active: true, priority, at: current?.at ?? t.ts, value: t.lastGood, limit: null });
      }
    }
    for (const condition of ['HH', 'H', 'L', 'LL', 'ROC', 'STALE', 'BAD_QUALITY', 'STAT'] as const) {
      const current = alarms.get(key(t.tag, condition));
      if (current?.active === true && t.conditions[condition]?.active !== true && current.at <= t.ts) {
        alarms.set(key(t.tag, condition), { ...current, active: false, at: t.ts });
      }
    }
  }
  return [...alarms.values()]
    .filter((a) => a.active || a.at >= keepClearedFrom)
    .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : a.condition < b.condition ? -1 : a.condition > b.condition ? 1 : 0));
}

export type SnapshotResult = { readonly ok: true; readonly snapshot: LiveSnapshot } | { readonly ok: false; readonly reason: string };

export function serializeSnapshot(snapshot: LiveSnapshot): string {
  return JSON.stringify(snapshot);
}

/** Loads a stored snapshot; a damaged or foreign one is refused with what to do (it is derived: deleting it loses nothing). */
export function deserializeSnapshot(text: string, site: string): SnapshotResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `live snapshot is not JSON (${(error as Error).message}); delete it, detect rebuilds it from the next batches` };
  }
  const v = value as Partial<LiveSnapshot> | null;
  if (v === null || typeof v !== 'object' || v.version !== LIVE_SNAPSHOT_VERSION || !Array.isArray(v.tags) || !Array.isArray(v.alarms)) {
    return {
      ok: false,
      reason: `live snapshot has version ${JSON.stringify(v?.version)} or a shape this code does not read (version ${LIVE_SNAPSHOT_VERSION}); delete it, detect rebuilds it from the next batches`,
    };
  }
  if (v.site !== site) return { ok: false, reason: `live snapshot names site ${JSON.stringify(v.site)}, expected ${site}; delete it, detect rebuilds it` };
  return { ok: true, snapshot: v as LiveSnapshot };
}
