// Everything a daily run works with, built once per run: the raw and config buckets, the
// warehouse, settings, logger, clock and the run's id and timings.
import { randomBytes } from 'node:crypto';
import type { Bucket } from '@google-cloud/storage';
import type { Clients } from '../adapters/clients.ts';
import type { Logger } from '../adapters/log.ts';
import { createWarehouse, type Warehouse } from '../adapters/warehouse.ts';
import type { RawZone } from '../core/raw-zone.ts';
import type { DailySettings } from './settings.ts';
import { emptyTimings, type Timings } from './timings.ts';

export interface DailyContext {
  readonly raw: Bucket;
  /** The raw zone as a port (lifecycle and listing); the bucket's adapter when absent (raw-zone-of.ts). */
  readonly zone?: RawZone | undefined;
  readonly config: Bucket;
  readonly warehouse: Warehouse;
  readonly settings: DailySettings;
  readonly log: Logger;
  readonly runId: string;
  readonly now: () => Date;
  readonly timings: Timings;
}

/** `20240301T020000Z-1a2b3c4d`: sortable, unique enough for concurrent operators. */
export function newRunId(now: Date): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

export async function createContext(
  clients: Pick<Clients, 'storage' | 'bigquery'>,
  settings: DailySettings,
  log: Logger,
  now: () => Date = () => new Date(),
): Promise<DailyContext> {
  const projectId = await clients.bigquery.getProjectId();
  return {
    raw: clients.storage.bucket(settings.rawBucket),
    config: clients.storage.bucket(settings.configBucket),
    warehouse: createWarehouse(clients.bigquery, { projectId, dataset: settings.dataset, location: settings.location }),
    settings,
    log,
    runId: newRunId(now()),
    now,
    timings: emptyTimings(),
  };
}

/** Runs `fn` over `items`, at most `limit` at once, results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
