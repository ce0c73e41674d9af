// Which days the daily job loads, and what it does to raw objects afterwards. Pure: listings and
// the load audit come in, decisions go out, so every rule here is unit-tested without servers.
import { createHash } from 'node:crypto';
import { COMPACTED_FILE_PREFIX, COMPACTION_META, daysBetween, parseObjectName, type LakeObject } from '../core/lake-paths.ts';
import { classify, compactedSources, dayFingerprint, leafHash, leafSum, sumHex } from './fingerprint.ts';

/** One day's raw objects of both kinds, as listed. */
export interface DayListing {
  readonly day: string;
  readonly objects: readonly LakeObject[];
  /** Compaction work objects (manifests, compose parts) a stopped compaction left for the day. */
  readonly work?: readonly string[] | undefined;
}

/** One load_audit row, as far as planning needs it. */
export interface AuditRecord {
  readonly day: string;
  readonly status: string;
  readonly fingerprint: string;
  /** RFC 3339 or epoch ms text; only the order matters. */
  readonly finishedAt: string;
}

export interface AuditState {
  /** Fingerprint of the last succeeded load, or null when the day never loaded. */
  readonly loadedFingerprint: string | null;
  /** True when the newest attempt (of any status) failed: the day is retried whatever the fingerprint. */
  readonly lastAttemptFailed: boolean;
}

/** The audit rows reduced to one state per day. */
export function auditStates(records: readonly AuditRecord[]): Map<string, AuditState> {
  const byDay = new Map<string, AuditRecord[]>();
  for (const r of records) {
    const list = byDay.get(r.day);
    if (list === undefined) byDay.set(r.day, [r]);
    else list.push(r);
  }
  const states = new Map<string, AuditState>();
  for (const [day, list] of byDay) {
    const sorted = [...list].sort((a, b) => Date.parse(a.finishedAt) - Date.parse(b.finishedAt));
    const succeeded = sorted.filter((r) => r.status === 'succeeded');
    states.set(day, {
      loadedFingerprint: succeeded.at(-1)?.fingerprint ?? null,
      lastAttemptFailed: sorted.at(-1)?.status !== 'succeeded',
    });
  }
  return states;
}

export type LoadReason = 'never loaded' | 'raw objects changed since the last load' | 'last attempt failed' | 'forced';

export interface DayToLoad {
  readonly day: string;
  readonly fingerprint: string;
  readonly reason: LoadReason;
}

export interface LoadPlan {
  readonly load: readonly DayToLoad[];
  /** Days whose last succeeded load matches their objects. */
  readonly upToDate: readonly string[];
  readonly skipped: readonly { readonly day: string; readonly reason: string }[];
}

export interface LoadOptions {
  /** Today (UTC), for ages. */
  readonly today: string;
  /** Reload days even when their fingerprint matches (rebuild, backfill --force). */
  readonly force?: boolean;
  /** Loaded days older than this may be partly deleted by the lifecycle's retention step. */
  readonly retentionDays?: number | undefined;
  /** Load days past retention anyway (an operator's explicit choice). */
  readonly pastRetention?: boolean;
}

/**
 * A day is loaded when it never was, when its objects changed since its last succeeded load, or
 * when its newest attempt failed (a failed replace may have left the day half-done on an
 * emulator without transactions, and a failed rebuild keeps the old fingerprint). Days are
 * returned newest first: when the time budget runs out, what is deferred is the oldest back-fill,
 * never yesterday; the next run resumes with the newest day still to load.
 */
export function planLoads(listings: readonly DayListing[], audit: ReadonlyMap<string, AuditState>, options: LoadOptions): LoadPlan {
  const load: DayToLoad[] = [];
  const upToDate: string[] = [];
  const skipped: { day: string; reason: string }[] = [];
  for (const { day, objects } of [...listings].sort((a, b) => (a.day < b.day ? 1 : -1))) {
    if (objects.length === 0) continue;
    const fingerprint = dayFingerprint(objects);
    const state = audit.get(day);
    const reason: LoadReason | null = options.force
      ? 'forced'
      : state === undefined || state.loadedFingerprint === null
        ? 'never loaded'
        : state.lastAttemptFailed
          ? 'last attempt failed'
          : state.loadedFingerprint !== fingerprint
            ? 'raw objects changed since the last load'
            : null;
    if (reason === null) {
      upToDate.push(day);
      continue;
    }
    const retention = options.retentionDays;
    // Only this job deletes raw data objects, and only all of a loaded day (planLifecycle): a day
    // never loaded is whole, a loaded one that changed past retention may be half deleted.
    const everLoaded = state !== undefined && state.loadedFingerprint !== null;
    if (retention !== undefined && !options.pastRetention && everLoaded && daysBetween(day, options.today) >= retention - 1) {
      skipped.push({
        day,
        reason:
          `raw objects of ${day} are at the end of their ${retention}-day retention and may be partly deleted; ` +
          'reloading could drop rows that now live only in BigQuery. Rebuild it on purpose with --past-retention.',
      });
      continue;
    }
    load.push({ day, fingerprint, reason });
  }
  return { load, upToDate, skipped };
}

/** A set of small objects of one site folder to be rewritten as one compacted object. */
export interface CompactionGroup {
  readonly folder: string;
  /** Full name of the compacted object; a pure function of the sources, so a retry reuses it. */
  readonly target: string;
  /** Sorted by name: the order their lines are written in. */
  readonly sources: readonly LakeObject[];
  /** Hex leaf sum and count recorded on the target (fingerprint.ts). */
  readonly sourcesSum: string;
  readonly sourcesCount: number;
}

/** A compaction that an earlier run wrote but did not finish deleting the sources of. */
export interface PendingCompaction {
  readonly target: LakeObject;
  readonly sources: readonly LakeObject[];
  /** Every source is still there: the target is checked against them before they are deleted. */
  readonly allSourcesPresent: boolean;
}

export interface DayLifecycle {
  readonly day: string;
  /** The fingerprint the day was loaded with (and still has). */
  readonly fingerprint: string;
  readonly pending: readonly PendingCompaction[];
  readonly compactions: readonly CompactionGroup[];
  /** After compaction: move the day's objects to Coldline (it is past Coldline age). */
  readonly moveToColdline: boolean;
  /** After compaction and Coldline: delete every object of the day (retention). */
  readonly deleteAll: boolean;
}

export interface LifecyclePlan {
  readonly days: readonly DayLifecycle[];
  /** Old enough for Coldline but not loaded as they are now: left alone. */
  readonly notLoaded: readonly string[];
}

/**
 * The daily run compacts every loaded day but today (age > 0): the day after its load, while it is
 * the only day of small objects, so listings and Coldline see one object per site-day.
 */
export const DEFAULT_COMPACT_AGE_DAYS = 0;

/** True when the day has compaction work: a folder with two or more plain objects, or a stopped compaction. */
export function hasCompactionWork(objects: readonly LakeObject[], maxCompactedBytes: number, work: readonly unknown[] = []): boolean {
  return work.length > 0 || classify(objects).superseded.length > 0 || compactionGroups(objects, maxCompactedBytes).length > 0;
}

export interface LifecycleOptions {
  readonly today: string;
  readonly coldlineAgeDays: number;
  /**
   * Loaded days older than this are compacted (0: every day before today, so the day after its
   * load); default coldlineAgeDays (compaction just before the move, the earlier design).
   */
  readonly compactAgeDays?: number | undefined;
  readonly retentionDays?: number | undefined;
  /** Upper bound of one compacted object, in stored (gzip) bytes of its sources. */
  readonly maxCompactedBytes: number;
}

/**
 * Days older than compactAgeDays whose current objects are exactly what was loaded (fingerprint
 * of the last succeeded load) get compacted; past coldlineAgeDays they are then moved to
 * Coldline. Anything else is left alone: an object of a day not loaded is never compacted and
 * never leaves Standard.
 */
export function planLifecycle(listings: readonly DayListing[], loadedFingerprint: (day: string) => string | null, options: LifecycleOptions): LifecyclePlan {
  const days: DayLifecycle[] = [];
  const notLoaded: string[] = [];
  const compactAge = Math.min(options.compactAgeDays ?? options.coldlineAgeDays, options.coldlineAgeDays);
  for (const { day, objects, work } of [...listings].sort((a, b) => (a.day < b.day ? -1 : 1))) {
    const age = daysBetween(day, options.today);
    if (objects.length === 0 || age <= compactAge) continue;
    const fingerprint = dayFingerprint(objects);
    const pastColdline = age > options.coldlineAgeDays;
    if (loadedFingerprint(day) !== fingerprint) {
      if (pastColdline) notLoaded.push(day);
      continue;
    }
    const deleteAll = options.retentionDays !== undefined && age > options.retentionDays;
    const pending = pendingCompactions(objects);
    const compactions = compactionGroups(objects, options.maxCompactedBytes);
    const needsWork =
      pending.length > 0 ||
      compactions.length > 0 ||
      (work?.length ?? 0) > 0 ||
      (pastColdline && objects.some((o) => o.storageClass !== 'COLDLINE')) ||
      deleteAll;
    if (!needsWork) continue;
    days.push({ day, fingerprint, pending, compactions, moveToColdline: pastColdline, deleteAll });
  }
  return { days, notLoaded };
}

function pendingCompactions(objects: readonly LakeObject[]): PendingCompaction[] {
  const { compacted, superseded } = classify(objects);
  const pending: PendingCompaction[] = [];
  for (const target of compacted) {
    const sources = superseded.filter((o) => o.metadata?.[COMPACTION_META.compactedInto] === target.name);
    if (sources.length === 0) continue;
    const recorded = compactedSources(target)!;
    const present = leafSum(sources);
    pending.push({ target, sources, allSourcesPresent: present.count === recorded.count && present.sum === recorded.sum });
  }
  return pending;
}

/**
 * Groups of at least two plain Standard objects per site folder, packed in name order up to
 * maxCompactedBytes each. Coldline objects are left as they are: rewriting them would pay
 * retrieval and early-deletion fees for nothing.
 */
export function compactionGroups(objects: readonly LakeObject[], maxCompactedBytes: number): CompactionGroup[] {
  const { plain } = classify(objects);
  const byFolder = new Map<string, LakeObject[]>();
  for (const o of plain) {
    const parsed = parseObjectName(o.name);
    if (parsed === null || o.storageClass === 'COLDLINE' || parsed.file.startsWith(COMPACTED_FILE_PREFIX)) continue;
    const list = byFolder.get(parsed.folder);
    if (list === undefined) byFolder.set(parsed.folder, [o]);
    else list.push(o);
  }
  const groups: CompactionGroup[] = [];
  for (const [folder, list] of [...byFolder].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sorted = [...list].sort((a, b) => (a.name < b.name ? -1 : 1));
    let current: LakeObject[] = [];
    let bytes = 0;
    const close = () => {
      if (current.length >= 2) groups.push(group(folder, current));
      current = [];
      bytes = 0;
    };
    for (const o of sorted) {
      if (current.length > 0 && bytes + o.size > maxCompactedBytes) close();
      current.push(o);
      bytes += o.size;
    }
    close();
  }
  return groups;
}

function group(folder: string, sources: LakeObject[]): CompactionGroup {
  const sum = leafSum(sources);
  const id = createHash('sha256')
    .update(sources.map((o) => leafHash(o).toString(16)).join('\n'))
    .digest('hex')
    .slice(0, 16);
  return { folder, target: `${folder}${COMPACTED_FILE_PREFIX}${id}.ndjson.gz`, sources, sourcesSum: sumHex(sum.sum), sourcesCount: sum.count };
}

/** Objects of a loaded day still to move to Coldline: everything that holds rows and is not there yet. */
export function objectsToMove(objects: readonly LakeObject[]): LakeObject[] {
  const { compacted, plain } = classify(objects);
  return [...compacted, ...plain].filter((o) => o.storageClass !== 'COLDLINE');
}
