// The simulated plant's signals: one model per KKS tag, with a daily pattern and noise, kept well
// inside the limits of config/rules.yaml so that only the scripted incidents raise alarms.
// Sites: refinery REF-01 (tank farm, transfer pumps, fired heater), drilling well WELL-01 and
// electrical feeder FDR-01 — the same tags as config/tags.yaml.

export interface SignalModel {
  tag: string;
  site: string;
  unit: string;
  /** Value at the daily mean. */
  base: number;
  /** Amplitude of the daily sine (0: flat). */
  daily: number;
  /** Hour of the day at which the sine peaks. */
  peakHour: number;
  /** Standard deviation of the measurement noise. */
  noise: number;
  /** Clamp (a level cannot go below 0 %, a rate below 0). */
  min?: number;
  /** A counter integrates another tag's value per hour (energy from power). */
  integrates?: string;
  /**
   * A tank level derived from its flows: the volume integrates inflow − outflow − leak (the
   * flows' noise-free patterns, per hour) from the volume at `base`, read back to a level through
   * the strapping table (config/tags.yaml's, checked by a test). So the tank balance closes, but
   * for the leak.
   */
  tank?: { inflow: string; outflow: string; leakPerHour: number; strapping: readonly { level: number; volume: number }[] };
}

export const SIGNALS: readonly SignalModel[] = [
  // Tank levels: a gauge reads to about a millimetre, so little noise; TK-102 leaks 2 m3/h.
  {
    tag: '10EGB10CL001',
    site: 'REF-01',
    unit: '%',
    base: 60,
    daily: 0,
    peakHour: 0,
    noise: 0.005,
    min: 0,
    tank: {
      inflow: '10EGB10CF001',
      outflow: '10EGC10CF001',
      leakPerHour: 0,
      strapping: [
        { level: 0, volume: 0 },
        { level: 5, volume: 2300 },
        { level: 50, volume: 24800 },
        { level: 100, volume: 50000 },
      ],
    },
  },
  { tag: '10EGB10CF001', site: 'REF-01', unit: 'm3/h', base: 120, daily: 100, peakHour: 3, noise: 2, min: 0 },
  { tag: '10EGB10CT001', site: 'REF-01', unit: 'degC', base: 35, daily: 3, peakHour: 15, noise: 0.1 },
  {
    tag: '10EGB20CL001',
    site: 'REF-01',
    unit: '%',
    base: 40,
    daily: 0,
    peakHour: 0,
    noise: 0.005,
    min: 0,
    tank: {
      inflow: '10EGB20CF001',
      outflow: '10EGC20CF001',
      leakPerHour: 2,
      strapping: [
        { level: 0, volume: 0 },
        { level: 5, volume: 1400 },
        { level: 50, volume: 14900 },
        { level: 100, volume: 30000 },
      ],
    },
  },
  { tag: '10EGB20CF001', site: 'REF-01', unit: 'm3/h', base: 80, daily: 60, peakHour: 20, noise: 2, min: 0 },
  { tag: '10EGB20CT001', site: 'REF-01', unit: 'degC', base: 32, daily: 3, peakHour: 15, noise: 0.1 },
  { tag: '10EGC10CP001', site: 'REF-01', unit: 'bar', base: 10, daily: 0.5, peakHour: 12, noise: 0.15 },
  { tag: '10EGC10CF001', site: 'REF-01', unit: 'm3/h', base: 120, daily: 10, peakHour: 12, noise: 2, min: 0 },
  { tag: '10EGC20CP001', site: 'REF-01', unit: 'bar', base: 9.5, daily: 0.5, peakHour: 12, noise: 0.15 },
  { tag: '10EGC20CF001', site: 'REF-01', unit: 'm3/h', base: 80, daily: 8, peakHour: 12, noise: 2, min: 0 },
  { tag: '10HHA10CT001', site: 'REF-01', unit: 'degC', base: 350, daily: 5, peakHour: 14, noise: 1 },
  { tag: '10HHA10CP001', site: 'REF-01', unit: 'bar', base: 2.5, daily: 0, peakHour: 0, noise: 0.05 },
  { tag: '20XAA10CS001', site: 'WELL-01', unit: 'm/h', base: 25, daily: 0, peakHour: 0, noise: 3, min: 0 },
  { tag: '20XAA10CU001', site: 'WELL-01', unit: 'kN.m', base: 18, daily: 0, peakHour: 0, noise: 1.5, min: 0 },
  { tag: '20XAB10CP001', site: 'WELL-01', unit: 'bar', base: 200, daily: 5, peakHour: 10, noise: 2 },
  { tag: '20XAB10CD001', site: 'WELL-01', unit: 'kg/m3', base: 1250, daily: 0, peakHour: 0, noise: 3 },
  { tag: '30BBA10CE001', site: 'FDR-01', unit: 'kW', base: 1200, daily: 300, peakHour: 13, noise: 20, min: 0 },
  { tag: '30BBA10CE002', site: 'FDR-01', unit: 'kWh', base: 0, daily: 0, peakHour: 0, noise: 0, integrates: '30BBA10CE001' },
];

export const SITES = [...new Set(SIGNALS.map((s) => s.site))];

/** The noise-free value of a model at a time of day (seconds since midnight). */
export function pattern(model: SignalModel, secondOfDay: number): number {
  const phase = ((secondOfDay / 3600 - model.peakHour) / 24) * 2 * Math.PI;
  return model.base + model.daily * Math.cos(phase);
}

/** The level at a volume: the strapping table read backwards (linear between points, clamped). */
export function levelAt(strapping: readonly { level: number; volume: number }[], volume: number): number {
  const first = strapping[0]!;
  const last = strapping[strapping.length - 1]!;
  if (volume <= first.volume) return first.level;
  if (volume >= last.volume) return last.level;
  const i = strapping.findIndex((p) => p.volume >= volume);
  const a = strapping[i - 1]!;
  const b = strapping[i]!;
  return a.level + ((volume - a.volume) / (b.volume - a.volume)) * (b.level - a.level);
}
