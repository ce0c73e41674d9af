// A field gateway's store-and-forward: batches queue in order and are published one after another;
// when publishing fails (link down, Pub/Sub unavailable) they stay buffered and are retried with
// backoff, keeping their batchId, so a resend lands once. The simulator keeps the buffer in
// memory; a real gateway keeps it on disk (e.g. SQLite) to survive a restart. Each batch goes out
// with its site as ordering key (site-publisher.ts), one after another, so order is kept per site.
import { orderingKeyOf, shardOf } from '../functions/core/state-shards.ts';

export type Publish = (data: Buffer, attributes: Record<string, string>, orderingKey: string) => Promise<string>;

export interface GatewayStats {
  published: number;
  failedAttempts: number;
  buffered: number;
}

export interface BatchLike {
  batchId: string;
  site: string;
  readings?: ReadonlyArray<{ readonly tag: string }>;
}

export class Gateway {
  readonly stats: GatewayStats = { published: 0, failedAttempts: 0, buffered: 0 };
  private readonly queue: BatchLike[] = [];
  private draining: Promise<void> | undefined;
  private readonly publish: Publish;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;

  private readonly stateShards: number;

  /**
   * `stateShards`: as detect's PLANTLAKE_STATE_SHARDS. A batch whose tags all fall in one shard k
   * goes out with ordering key `S/k`, so a big site's shards are evaluated in parallel
   * (functions/core/state-shards.ts); any other batch with the site as key.
   */
  constructor(publish: Publish, options: { retryMs?: number; maxRetryMs?: number; stateShards?: number } = {}) {
    this.publish = publish;
    this.stateShards = options.stateShards ?? 1;
    this.retryMs = options.retryMs ?? 200;
    this.maxRetryMs = options.maxRetryMs ?? 10_000;
  }

  /** Queues a batch and starts draining; resolves once the queue is empty. */
  send(batch: BatchLike): Promise<void> {
    this.queue.push(batch);
    this.stats.buffered = this.queue.length;
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
    return this.draining;
  }

  /** Resolves when every queued batch is published. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private orderingKey(batch: BatchLike): string {
    const readings = batch.readings ?? [];
    if (this.stateShards <= 1 || readings.length === 0) return batch.site;
    const shard = shardOf(readings[0]!.tag, this.stateShards);
    return readings.every((r) => shardOf(r.tag, this.stateShards) === shard) ? orderingKeyOf(batch.site, shard, this.stateShards) : batch.site;
  }

  private async drain(): Promise<void> {
    let delay = this.retryMs;
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      try {
        await this.publish(Buffer.from(JSON.stringify(batch)), { site: batch.site, schemaVersion: '1' }, this.orderingKey(batch));
        this.queue.shift();
        this.stats.published++;
        this.stats.buffered = this.queue.length;
        delay = this.retryMs;
      } catch {
        this.stats.failedAttempts++;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.maxRetryMs);
      }
    }
  }
}
