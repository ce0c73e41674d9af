// Which days a scheduled run lists object by object: the work goes with what can have changed,
// not with the lake. Pure. The day folders themselves come from one delimiter listing per kind
// (a page per 1,000 days), so a day's existence is always known; a day's objects are listed when:
//   - it is recent: from two days before the last run that loaded anything (its high-water mark)
//     or before today, whichever is earlier; late batches within two days of their day (a
//     gateway's store-and-forward, the redelivery of a nacked message) land here;
//   - it has no succeeded load yet, or its newest attempt failed (from load_audit);
//   - a lifecycle step falls due: Coldline age or retention passed within the last week (so a
//     week of missed runs still moves and deletes every day, each re-listed right before);
//   - it is in today's sweep slot: every day whose number modulo SWEEP_DAYS is today's, so each
//     old day is listed once every SWEEP_DAYS runs. A very late batch for an old day (a gateway
//     back online after weeks) is found by the sweep within SWEEP_DAYS days and loaded then.
// Nothing is lost by not listing a day: only this job deletes raw data objects, and it lists a
// day right before each deletion; an unlisted day's objects just wait for their sweep.
import { addDays, dayStartMs, daysBetween } from '../core/lake-paths.ts';
import type { AuditState } from './plan.ts';

export const SWEEP_DAYS = 7;
/** Days before the high-water mark (or today) always listed. */
export const RECENT_DAYS = 2;
/** Days after a lifecycle step falls due during which the day is listed every run. */
export const CATCH_UP_DAYS = 7;

export interface WindowOptions {
  readonly today: string;
  /** The UTC day of the newest succeeded load's finish (load_audit), or undefined before any. */
  readonly highWaterDay?: string | undefined;
  readonly coldlineAgeDays: number;
  readonly retentionDays?: number | undefined;
  readonly sweepDays?: number | undefined;
}

export interface ListingChoice {
  readonly list: string[];
  /** Days not listed this run; each loaded, and unchanged as far as the last listing showed. */
  readonly notListed: string[];
}

function dayNumber(day: string): number {
  return Math.round(dayStartMs(day) / 86_400_000);
}

export function daysToList(days: readonly string[], audit: ReadonlyMap<string, AuditState>, options: WindowOptions): ListingChoice {
  const sweep = Math.max(1, options.sweepDays ?? SWEEP_DAYS);
  const mark = options.highWaterDay !== undefined && options.highWaterDay < options.today ? options.highWaterDay : options.today;
  const recentFrom = addDays(mark, -RECENT_DAYS);
  const slot = dayNumber(options.today) % sweep;
  const due = (age: number, threshold: number | undefined) => threshold !== undefined && age > threshold && age <= threshold + CATCH_UP_DAYS;
  const list: string[] = [];
  const notListed: string[] = [];
  for (const day of days) {
    const state = audit.get(day);
    const age = daysBetween(day, options.today);
    const listed =
      day >= recentFrom ||
      state === undefined ||
      state.loadedFingerprint === null ||
      state.lastAttemptFailed ||
      due(age, options.coldlineAgeDays) ||
      due(age, options.retentionDays) ||
      dayNumber(day) % sweep === slot;
    (listed ? list : notListed).push(day);
  }
  return { list, notListed };
}
