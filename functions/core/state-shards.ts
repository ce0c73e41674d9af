// Alarm state in shards: a site's tags split over N state objects by a hash of the tag, so one
// site's batches can be evaluated and committed in parallel. Cloud Storage sustains about one
// write per second per object (https://cloud.google.com/storage/quotas#objects), and Pub/Sub push
// delivers one outstanding message per ordering key, so the ceiling is about one committed batch
// per second per (site, shard); N shards, with publishers using the ordering key `S/k` for a batch
// of shard k's tags (orderingKeyOf), serve N batches per second per site. A batch that mixes
// shards is split and committed shard by shard. With N = 1 (the default) nothing changes: one
// state object per site, ordering key = site. Pure.
import type { ReadingBatch } from '../../schemas/reading-batch.ts';
import { normaliseKks } from './kks.ts';

/** The most shards a site's state may have. */
export const MAX_STATE_SHARDS = 256;

/**
 * Shard of a tag: FNV-1a (32-bit) of the normalised KKS code with MurmurHash3's final mix (FNV's
 * low bits follow the last characters, and KKS codes differ mostly there), modulo `shards`.
 * Stable forever: changing it moves every tag's state.
 */
export function shardOf(tag: string, shards: number): number {
  if (shards <= 1) return 0;
  const code = normaliseKks(tag);
  let h = 0x811c9dc5;
  for (let i = 0; i < code.length; i++) {
    h ^= code.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) % shards;
}

/** The ordering key a publisher gives a batch of one shard's tags (the site alone when unsharded). */
export function orderingKeyOf(site: string, shard: number, shards: number): string {
  return shards <= 1 ? site : `${site}/${shard}`;
}

/** The batch's readings per shard, in their order; unsharded: the batch itself. */
export function splitByShard(batch: ReadingBatch, shards: number): Array<{ readonly shard: number; readonly batch: ReadingBatch }> {
  if (shards <= 1) return [{ shard: 0, batch }];
  const parts = new Map<number, ReadingBatch['readings'][number][]>();
  for (const r of batch.readings) {
    const k = shardOf(r.tag, shards);
    let list = parts.get(k);
    if (list === undefined) parts.set(k, (list = []));
    list.push(r);
  }
  return [...parts].sort(([a], [b]) => a - b).map(([shard, readings]) => ({ shard, batch: { ...batch, readings } }));
}

/** Checks a configured shard count; throws with what to do. */
export function checkShards(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_STATE_SHARDS) {
    throw new Error(
      `${name} must be a whole number from 1 to ${MAX_STATE_SHARDS}; got ${value}. It must not change while sites have alarm state (their state would start fresh).`,
    );
  }
  return value;
}
