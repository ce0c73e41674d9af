// Where a daily run spends its time, per step, summed over days: reported in the JSON answer and
// printed by the benchmark.
export const STEPS = ['listing', 'read', 'stagingLoad', 'rowChecks', 'replace', 'audit', 'tags', 'compaction', 'storageClass', 'retention'] as const;
export type Step = (typeof STEPS)[number];
export type Timings = Record<Step, number>;

export function emptyTimings(): Timings {
  return Object.fromEntries(STEPS.map((s) => [s, 0])) as Timings;
}

/** Runs `fn`, adding its wall time in ms to `timings[step]` (also when it throws). */
export async function timed<T>(timings: Timings, step: Step, fn: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await fn();
  } finally {
    timings[step] += performance.now() - start;
  }
}
