// The simulated plant in real time, for a gateway: every period, each signal of a site gets a
// value (its daily pattern plus noise, from local/plant/signals.ts) stamped with the wall clock,
// handed to `emit` (an MQTT publish, an OPC UA write). An excursion forces a tag's value for a
// while. Every reading emitted is kept, so a test can compare what landed with what was produced.
import type { Quality } from '../../functions/core/index.ts';
import { gaussian, seededRandom } from '../plant/random.ts';
import { pattern, SIGNALS, type SignalModel } from '../plant/signals.ts';

export interface LiveReading {
  readonly site: string;
  readonly tag: string;
  /** Epoch ms. */
  readonly ts: number;
  readonly value: number;
  readonly quality: Quality;
}

export interface LivePlant {
  readonly produced: readonly LiveReading[];
  /** Forces `value` on `tag` from now for `seconds`. */
  excursion(tag: string, value: number, seconds: number): void;
  stop(): Promise<void>;
}

export function signalsOf(site: string): SignalModel[] {
  return SIGNALS.filter((s) => s.site === site && s.integrates === undefined);
}

export function startLivePlant(options: {
  site: string;
  periodMs: number;
  emit: (reading: LiveReading) => Promise<void> | void;
  signals?: readonly SignalModel[];
  seed?: number;
  now?: () => number;
}): LivePlant {
  const signals = options.signals ?? signalsOf(options.site);
  const noise = gaussian(seededRandom(options.seed ?? 7));
  const now = options.now ?? Date.now;
  const produced: LiveReading[] = [];
  const forced = new Map<string, { value: number; until: number }>();
  let pending = Promise.resolve();
  let lastTs = 0;
  const tick = () => {
    // Distinct milliseconds per tick, so no two readings of a tag share a time.
    const ts = Math.max(now(), lastTs + 1);
    lastTs = ts;
    const second = (ts % 86_400_000) / 1000;
    for (const model of signals) {
      const f = forced.get(model.tag);
      const raw = f !== undefined && ts < f.until ? f.value : pattern(model, second) + model.noise * noise();
      const value = Math.round(Math.max(model.min ?? -Infinity, raw) * 1000) / 1000;
      const reading: LiveReading = { site: options.site, tag: model.tag, ts, value, quality: 'good' };
      produced.push(reading);
      pending = pending.then(() => options.emit(reading));
    }
  };
  tick();
  const timer = setInterval(tick, options.periodMs);
  return {
    produced,
    excursion(tag, value, seconds) {
      forced.set(tag, { value, until: now() + seconds * 1000 });
    },
    async stop() {
      clearInterval(timer);
      await pending;
    },
  };
}
