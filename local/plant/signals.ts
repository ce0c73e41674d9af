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
}

export const SIGNALS: readonly SignalModel[] = [
  { tag: '10EGB10CL001', site: 'REF-01', unit: '%', base: 60, daily: 15, peakHour: 6, noise: 0.2, min: 0 },
  { tag: '10EGB10CT001', site: 'REF-01', unit: 'degC', base: 35, daily: 3, peakHour: 15, noise: 0.1 },
  { tag: '10EGB20CL001', site: 'REF-01', unit: '%', base: 40, daily: 10, peakHour: 18, noise: 0.2, min: 0 },
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
