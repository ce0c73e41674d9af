// What a daily run answers (the HTTP response, the CLI's --json) and the one structured summary
// entry it logs. The infra engineer's log-based metric and the "daily load missing" alert key on
// jsonPayload.event = "daily.summary" and its status (infra/components/observability.ts). Pure.
import type { BadRow } from './row-checks.ts';
import type { LoadReason } from './plan.ts';
import type { Timings } from './timings.ts';
import { LOG_EVENTS } from '../core/resources.ts';

export const SUMMARY_EVENT = LOG_EVENTS.dailySummary;

export interface DayReport {
  readonly day: string;
  readonly status: 'succeeded' | 'failed';
  readonly reason: LoadReason;
  readonly files: number;
  readonly bytes: number;
  readonly rowsIn: number;
  readonly rowsKept: number;
  readonly duplicatesDropped: number;
  readonly badRows: number;
  /** The first few bad rows (all of them are in load_audit.bad_rows). */
  readonly badRowSamples: readonly BadRow[];
  readonly alarmEvents: number;
  readonly jobIds: readonly string[];
  readonly durationMs: number;
  /** What went wrong and what to do (failed days only). */
  readonly error?: string;
}

export interface LifecycleReport {
  /** Days worked on (compacted and/or moved). */
  readonly days: readonly string[];
  /** Small objects replaced by compacted ones (deleted after the check). */
  readonly compactedSources: number;
  /** Compacted objects written. */
  readonly compactedObjects: number;
  readonly movedToColdline: number;
  readonly deleted: number;
  /** Old enough for Coldline but not loaded as they are: left in Standard. */
  readonly notLoaded: readonly string[];
  readonly errors: readonly string[];
}

export interface TagsReport {
  readonly rows: number;
  readonly catalog: 'loaded' | 'absent' | 'invalid';
  readonly warning?: string;
}

export type RunStatus = 'succeeded' | 'partial' | 'failed';

export interface RunReport {
  readonly runId: string;
  /** succeeded: every day meant to load loaded (or nothing to do); partial: some deferred to the next run; failed: a day failed. */
  readonly status: RunStatus;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly days: readonly DayReport[];
  readonly upToDate: number;
  readonly skipped: readonly { readonly day: string; readonly reason: string }[];
  /** Days not started because the run's time budget ran out; the next run takes them. */
  readonly deferred: readonly string[];
  readonly rowsLoaded: number;
  readonly tags?: TagsReport;
  readonly lifecycle?: LifecycleReport;
  readonly warnings: readonly string[];
  readonly timings: Timings;
  readonly message: string;
}

export function runStatus(days: readonly DayReport[], deferred: readonly string[]): RunStatus {
  if (days.some((d) => d.status === 'failed')) return 'failed';
  return deferred.length > 0 ? 'partial' : 'succeeded';
}

/** One line a person can act on. */
export function runMessage(r: Omit<RunReport, 'message'>): string {
  const loaded = r.days.filter((d) => d.status === 'succeeded');
  const failed = r.days.filter((d) => d.status === 'failed');
  const parts = [
    loaded.length === 0 ? 'no day needed loading' : `loaded ${loaded.length} day(s) (${loaded.map((d) => d.day).join(', ')}), ${r.rowsLoaded} rows`,
    `${r.upToDate} day(s) up to date`,
  ];
  const bad = loaded.reduce((n, d) => n + d.badRows, 0);
  if (bad > 0) parts.push(`${bad} bad row(s) skipped and listed in load_audit.bad_rows`);
  if (r.deferred.length > 0)
    parts.push(`${r.deferred.length} day(s) deferred to the next run (time budget): ${r.deferred.join(', ')}; run \`plantlake backfill\` to load them now`);
  if (r.skipped.length > 0) parts.push(`${r.skipped.length} day(s) skipped: ${r.skipped.map((s) => s.day).join(', ')}`);
  for (const d of failed) parts.push(`FAILED ${d.day}: ${d.error ?? 'unknown error'}`);
  return parts.join('; ');
}

/** The fields of the daily.summary entry (severity and message go to the logger). */
export function summaryFields(r: RunReport): Record<string, unknown> {
  return {
    event: SUMMARY_EVENT,
    status: r.status,
    runId: r.runId,
    days: r.days.filter((d) => d.status === 'succeeded').map((d) => d.day),
    failedDays: r.days.filter((d) => d.status === 'failed').map((d) => ({ day: d.day, error: d.error })),
    deferredDays: r.deferred,
    rows: r.rowsLoaded,
    badRows: r.days.reduce((n, d) => n + d.badRows, 0),
    upToDate: r.upToDate,
    durationMs: Math.round(r.durationMs),
    lifecycle: r.lifecycle
      ? { movedToColdline: r.lifecycle.movedToColdline, compactedSources: r.lifecycle.compactedSources, errors: r.lifecycle.errors.length }
      : undefined,
  };
}

export function summarySeverity(status: RunStatus): 'INFO' | 'WARNING' | 'ERROR' {
  return status === 'succeeded' ? 'INFO' : status === 'partial' ? 'WARNING' : 'ERROR';
}
