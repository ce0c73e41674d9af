// Generates a simulated plant day as the gateways would send it: one ReadingBatch per site per
// batch period, readings every `intervalSeconds`, with noise, daily patterns and the scripted
// incidents. Deterministic for a seed. Pure: no clock, no I/O.
import type { ReadingBatch } from '../../functions/core/index.ts';
import { INCIDENTS, type Incident } from './incidents.ts';
import { gaussian, seededRandom } from './random.ts';
import { volumeAt } from '../../functions/core/tanks.ts';
import { SIGNALS, SITES, levelAt, pattern, type SignalModel } from './signals.ts';

export interface DayOptions {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  intervalSeconds?: number;
  /** Length of one gateway batch. */
  batchSeconds?: number;
  seed?: number;
  /** Hours of the day to generate, [from, to); default the whole day. */
  hours?: [number, number];
  incidents?: readonly Incident[];
}

type Reading = ReadingBatch['readings'][number];

const round = (v: number) => Math.round(v * 1000) / 1000;

/** Batches in the order a gateway sends them: by batch end time, then site. */
export function simulateDay(options: DayOptions): ReadingBatch[] {
  const interval = options.intervalSeconds ?? 10;
  const batchSeconds = options.batchSeconds ?? 300;
  const [fromHour, toHour] = options.hours ?? [0, 24];
  const incidents = options.incidents ?? INCIDENTS;
  const midnight = Date.parse(`${options.day}T00:00:00Z`);
  if (Number.isNaN(midnight)) throw new Error(`day must be YYYY-MM-DD; got "${options.day}"`);
  const noise = gaussian(seededRandom(options.seed ?? 1));
  const lastValue = new Map<string, number>();
  const energy = new Map<string, number>();
  const batches: ReadingBatch[] = [];

  for (let start = fromHour * 3600; start < toHour * 3600; start += batchSeconds) {
    const bySite = new Map<string, Reading[]>(SITES.map((s) => [s, []]));
    for (let s = start; s < Math.min(start + batchSeconds, toHour * 3600); s += interval) {
      const ts = new Date(midnight + s * 1000).toISOString();
      for (const model of SIGNALS) {
        const reading = readingAt(model, s, ts, interval, incidents, noise, lastValue, energy);
        if (reading) bySite.get(model.site)!.push(reading);
      }
    }
    const end = new Date(midnight + (start + batchSeconds) * 1000);
    const stamp = end.toISOString().slice(0, 16).replaceAll(/[-:]/g, '');
    for (const [site, readings] of bySite) {
      if (readings.length === 0) continue;
      batches.push({
        batchId: `${site}.${stamp}`,
        site,
        source: `gateway-${site.toLowerCase()}`,
        sentAt: new Date(end.getTime() + 2000).toISOString(),
        readings,
      });
    }
  }
  return batches;
}

function readingAt(
  model: SignalModel,
  s: number,
  ts: string,
  interval: number,
  incidents: readonly Incident[],
  noise: () => number,
  lastValue: Map<string, number>,
  /** Running totals: a counter's energy, a tank's volume. */
  energy: Map<string, number>,
): Reading | undefined {
  if (model.integrates) {
    const source = SIGNALS.find((m) => m.tag === model.integrates)!;
    const kwh = (energy.get(model.tag) ?? 0) + (pattern(source, s) * interval) / 3600;
    energy.set(model.tag, kwh);
    return { tag: model.tag, ts, value: round(kwh), quality: 'good', unit: model.unit };
  }
  let normal = pattern(model, s);
  if (model.tank) {
    const { inflow, outflow, leakPerHour, strapping } = model.tank;
    const flow = (tag: string) => pattern(SIGNALS.find((m) => m.tag === tag)!, s);
    const volume = (energy.get(model.tag) ?? volumeAt(strapping, model.base).volume) + ((flow(inflow) - flow(outflow) - leakPerHour) * interval) / 3600;
    energy.set(model.tag, volume);
    normal = levelAt(strapping, volume);
  }
  const incident = incidents.find((i) => i.tag === model.tag && s >= i.from && s < i.to);
  if (incident?.kind === 'gap') return undefined;
  if (incident?.kind === 'bad-quality') {
    return { tag: model.tag, ts, value: lastValue.get(model.tag) ?? model.base, quality: 'bad', unit: model.unit };
  }
  const shaped = incident?.kind === 'shape' ? incident.value(s, normal) : normal;
  let value = shaped + model.noise * noise();
  if (model.min !== undefined) value = Math.max(model.min, value);
  value = round(value);
  lastValue.set(model.tag, value);
  return { tag: model.tag, ts, value, quality: 'good', unit: model.unit };
}
