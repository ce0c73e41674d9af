// One daily run at a time: a lease object in the raw bucket, created only if absent
// (ifGenerationMatch: 0), holding who runs, since when and until when. The holder renews it while
// it works (a rewrite conditioned on its own generation) and deletes it when done; a lease whose
// holder died expires and the next run takes it over (a delete conditioned on the generation it
// read, so two runs cannot both take over one stale lease). A second run waits for it or says who
// holds it and since when. https://cloud.google.com/storage/docs/request-preconditions
import { hostname, userInfo } from 'node:os';
import type { Bucket } from '@google-cloud/storage';
import type { Logger } from '../adapters/log.ts';
import { isNotFound, isPreconditionFailed } from '../adapters/storage-errors.ts';
import { LOG_EVENTS, OBJECTS } from '../core/resources.ts';

export interface LeaseRecord {
  readonly runId: string;
  /** Who holds it: "scheduled daily", "cli backfill by ops@host". */
  readonly holder: string;
  readonly since: string;
  readonly expiresAt: string;
}

export interface LeaseOptions {
  readonly runId: string;
  readonly holder: string;
  /** How long a lease lives without renewal; renewed every third of it. */
  readonly ttlMs?: number;
  /** Wait this long for a held lease before giving up (0: give up at once). */
  readonly waitMs?: number;
  readonly pollMs?: number;
  readonly log: Logger;
  readonly now?: () => Date;
}

export interface Lease {
  readonly record: LeaseRecord;
  /** False once a renewal found the lease taken over (this run was presumed dead). */
  held(): boolean;
  release(): Promise<void>;
}

export const DEFAULT_LEASE_TTL_MS = 10 * 60_000;

export class LeaseHeldError extends Error {
  readonly lease: LeaseRecord;
  constructor(lease: LeaseRecord, waitedMs: number) {
    super(
      `another daily run holds the lease gs://…/${OBJECTS.dailyLease}: ${lease.holder} (run ${lease.runId}) since ${lease.since}, ` +
        `until ${lease.expiresAt} unless it renews it${waitedMs > 0 ? `; waited ${Math.round(waitedMs / 1000)} s` : ''}. ` +
        'Two runs never overlap: wait for it to finish (the CLI waits with --wait MINUTES), or, if that run is gone, ' +
        'the lease expires by itself at the time shown.',
    );
    this.name = 'LeaseHeldError';
    this.lease = lease;
  }
}

/** Who is running, for the lease and the message a second run shows. */
export function cliHolder(command: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (a container): keep "unknown"
  }
  return `cli ${command} by ${user}@${hostname()}`;
}

export async function acquireLease(bucket: Bucket, options: LeaseOptions): Promise<Lease> {
  const now = options.now ?? (() => new Date());
  const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const file = bucket.file(OBJECTS.dailyLease);
  const started = Date.now();
  const recordAt = (since: string): LeaseRecord => ({
    runId: options.runId,
    holder: options.holder,
    since,
    expiresAt: new Date(now().getTime() + ttlMs).toISOString(),
  });
  const write = async (record: LeaseRecord, ifGenerationMatch: number): Promise<number> => {
    await file.save(JSON.stringify(record), {
      resumable: false,
      preconditionOpts: { ifGenerationMatch },
      metadata: { contentType: 'application/json', cacheControl: 'no-store' },
    });
    // The upload's answer carries the new generation; ask only if it did not.
    return file.metadata.generation !== undefined ? Number(file.metadata.generation) : Number((await file.getMetadata())[0].generation);
  };

  for (;;) {
    const record = recordAt(now().toISOString());
    try {
      const generation = await write(record, 0);
      return holdLease(file, record, generation, ttlMs, options, write, recordAt);
    } catch (err) {
      if (!isPreconditionFailed(err)) throw err;
    }
    // Someone holds it: read who, and whether it is still alive.
    let current: { record: LeaseRecord; generation: number };
    try {
      const generation = Number((await file.getMetadata())[0].generation);
      // That exact generation, so the holder read and the takeover's precondition agree.
      const [body] = await bucket.file(OBJECTS.dailyLease, { generation }).download();
      current = { record: JSON.parse(body.toString('utf8')) as LeaseRecord, generation };
    } catch (err) {
      if (isNotFound(err)) continue; // released or replaced in between: try again
      throw err;
    }
    if (Date.parse(current.record.expiresAt) <= now().getTime()) {
      options.log.warn(`took over the daily lease of ${current.record.holder} (run ${current.record.runId}), expired at ${current.record.expiresAt}`, {
        event: LOG_EVENTS.dailyLeaseHeld,
        outcome: 'taken-over',
        lease: current.record,
      });
      try {
        await file.delete({ ifGenerationMatch: current.generation });
      } catch (err) {
        if (!isPreconditionFailed(err) && !isNotFound(err)) throw err;
      }
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= (options.waitMs ?? 0)) {
      options.log.warn(
        `the daily lease is held by ${current.record.holder} (run ${current.record.runId}) since ${current.record.since}; run ${options.runId} did not start`,
        {
          event: LOG_EVENTS.dailyLeaseHeld,
          outcome: 'refused',
          lease: current.record,
        },
      );
      throw new LeaseHeldError(current.record, waited);
    }
    await new Promise((r) => setTimeout(r, Math.min(options.pollMs ?? 5_000, Math.max(1, (options.waitMs ?? 0) - waited))));
  }
}

function holdLease(
  file: ReturnType<Bucket['file']>,
  first: LeaseRecord,
  firstGeneration: number,
  ttlMs: number,
  options: LeaseOptions,
  write: (record: LeaseRecord, ifGenerationMatch: number) => Promise<number>,
  recordAt: (since: string) => LeaseRecord,
): Lease {
  let generation = firstGeneration;
  let held = true;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = (async () => {
        if (!held) return;
        try {
          generation = await write(recordAt(first.since), generation);
        } catch (err) {
          held = false;
          clearInterval(timer);
          // 412: someone took the lease over (we were presumed dead); the run goes on (days
          // replace atomically, so overlapping is safe, only wasteful) but says so.
          options.log.error(
            `daily run ${first.runId} lost its lease (${isPreconditionFailed(err) ? 'another run took it over' : (err as Error).message}); ` +
              'it finishes its work, but another run may now overlap with it',
            { event: LOG_EVENTS.dailyLeaseHeld, outcome: 'lost' },
          );
        }
      })();
    },
    Math.max(1_000, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    record: first,
    held: () => held,
    async release() {
      clearInterval(timer);
      await renewing;
      if (!held) return;
      held = false;
      try {
        await file.delete({ ifGenerationMatch: generation });
      } catch (err) {
        // Gone or taken over already: nothing of ours to delete.
        if (!isPreconditionFailed(err) && !isNotFound(err)) throw err;
      }
    },
  };
}

/** Runs `fn` holding the lease; releases it whatever happens. */
export async function withLease<T>(bucket: Bucket, options: LeaseOptions, fn: (lease: Lease) => Promise<T>): Promise<T> {
  const lease = await acquireLease(bucket, options);
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}

/** The current lease, if any (for `plantlake status`). */
export async function readLease(bucket: Bucket): Promise<LeaseRecord | undefined> {
  try {
    const [body] = await bucket.file(OBJECTS.dailyLease).download();
    return JSON.parse(body.toString('utf8')) as LeaseRecord;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
