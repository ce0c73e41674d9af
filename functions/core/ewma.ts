// Exponentially weighted mean and variance with O(1) state (Finch, "Incremental calculation of
// weighted mean and variance", 2009, §9). Until 1/alpha readings are seen the weight is 1/n, so
// the warm-up gives the plain running mean and variance instead of one biased toward the first value.
import type { StatState } from '../../schemas/alarm-state.ts';

export function learn(stat: StatState, x: number, alpha: number): void {
  if (stat.n === 0) {
    stat.mean = x;
    stat.variance = 0;
    stat.n = 1;
    return;
  }
  const weight = Math.max(alpha, 1 / (stat.n + 1));
  const diff = x - stat.mean;
  const increment = weight * diff;
  stat.mean += increment;
  stat.variance = (1 - weight) * (stat.variance + diff * increment);
  stat.n += 1;
}

/** |x − mean| in standard deviations (sigma floored at minSigma); 0 or Infinity when sigma is 0. */
export function zScore(stat: StatState, x: number, minSigma: number): number {
  const sigma = Math.max(Math.sqrt(stat.variance), minSigma);
  const deviation = Math.abs(x - stat.mean);
  if (sigma > 0) return deviation / sigma;
  return deviation === 0 ? 0 : Number.POSITIVE_INFINITY;
}

/** The band edge on the side of x: mean ± k·sigma. */
export function bandEdge(stat: StatState, x: number, k: number, minSigma: number): number {
  const sigma = Math.max(Math.sqrt(stat.variance), minSigma);
  return x >= stat.mean ? stat.mean + k * sigma : stat.mean - k * sigma;
}
