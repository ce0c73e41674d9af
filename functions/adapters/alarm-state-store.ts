// The alarm state of one site in the raw bucket (OBJECTS.alarmState), read together with its
// generation and replaced only if that generation is still current (ifGenerationMatch; 0 when the
// object does not exist yet). Two detect instances racing on one site therefore cannot overwrite
// each other: the loser gets `false` and evaluates again on the winner's state.
// The commit also records, as custom metadata, the outbox of alarm events it made durable (see
// functions/core/alarm-outbox.ts), so the pointer and the state change in one atomic write.
import type { Bucket } from '@google-cloud/storage';
import { deserializeState, emptyState, OBJECTS, serializeState, type AlarmState } from '../core/index.ts';
import { isNotFound, isPreconditionFailed } from './storage-errors.ts';

export interface StoredState {
  readonly state: AlarmState;
  /** 0 when the site has no state object yet. */
  readonly generation: number;
  /** Id of the outbox committed with this state, if any (it may be delivered already). */
  readonly outbox: string | null;
}

export interface CommitInfo {
  readonly batchId: string;
  readonly outbox: string | null;
}

/** One shard of a site's state (functions/core/state-shards.ts); absent: the site's single object. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export interface AlarmStateStore {
  /** The current state, or null when it changed between the two reads (read again). */
  read(site: string, shard?: Shard): Promise<StoredState | null>;
  /** Writes `state` if the object is still at `generation`; false when another writer was first. */
  commit(site: string, state: AlarmState, generation: number, info: CommitInfo, shard?: Shard): Promise<boolean>;
}

export function createAlarmStateStore(bucket: Bucket): AlarmStateStore {
  return {
    async read(site, shard) {
      const name = OBJECTS.alarmState(site, shard);
      let generation: number;
      let outbox: string | null;
      try {
        const [meta] = await bucket.file(name).getMetadata();
        generation = Number(meta.generation);
        const custom = meta.metadata as Record<string, unknown> | undefined;
        outbox = typeof custom?.outbox === 'string' && custom.outbox !== '' ? custom.outbox : null;
      } catch (err) {
        if (isNotFound(err)) return { state: emptyState(), generation: 0, outbox: null };
        throw err;
      }
      let text: string;
      try {
        // That exact generation, so content and generation belong together.
        const [bytes] = await bucket.file(name, { generation }).download();
        text = bytes.toString('utf8');
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
      const loaded = deserializeState(text);
      if (!loaded.ok) throw new Error(`gs://${bucket.name}/${name} (generation ${generation}): ${loaded.reason}`);
      return { state: loaded.state, generation, outbox };
    },

    async commit(site, state, generation, info, shard) {
      try {
        await bucket.file(OBJECTS.alarmState(site, shard)).save(serializeState(state), {
          resumable: false,
          preconditionOpts: { ifGenerationMatch: generation },
          metadata: {
            contentType: 'application/json',
            metadata: info.outbox === null ? { batchId: info.batchId } : { batchId: info.batchId, outbox: info.outbox },
          },
        });
        return true;
      } catch (err) {
        if (isPreconditionFailed(err)) return false;
        throw err;
      }
    },
  };
}
