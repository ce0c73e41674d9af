// The live snapshot of one site in the raw bucket (OBJECTS.liveSnapshot), read with its generation
// and replaced only if that generation is still current, like the alarm state: racing detect
// instances merge on each other's snapshot instead of overwriting it.
import type { Bucket } from '@google-cloud/storage';
import { deserializeSnapshot, emptySnapshot, OBJECTS, serializeSnapshot, type LiveSnapshot } from '../core/index.ts';
import { isNotFound, isPreconditionFailed } from './storage-errors.ts';

export interface StoredSnapshot {
  readonly snapshot: LiveSnapshot;
  /** 0 when the site has no snapshot yet. */
  readonly generation: number;
}

export interface LiveSnapshotStore {
  /** The current snapshot; a damaged one reads as empty (it is derived, and rebuilt from the next batches). */
  read(site: string): Promise<StoredSnapshot | null>;
  /** Writes if the object is still at `generation`; false when another writer was first. */
  write(site: string, snapshot: LiveSnapshot, generation: number): Promise<boolean>;
}

export function createLiveSnapshotStore(bucket: Bucket, onDamaged: (site: string, reason: string) => void): LiveSnapshotStore {
  return {
    async read(site) {
      const name = OBJECTS.liveSnapshot(site);
      let generation: number;
      let text: string;
      try {
        const [meta] = await bucket.file(name).getMetadata();
        generation = Number(meta.generation);
        const [bytes] = await bucket.file(name, { generation }).download();
        text = bytes.toString('utf8');
      } catch (err) {
        if (!isNotFound(err)) throw err;
        return generation! === undefined ? { snapshot: emptySnapshot(site), generation: 0 } : null;
      }
      const loaded = deserializeSnapshot(text, site);
      if (!loaded.ok) {
        onDamaged(site, `gs://${bucket.name}/${name} (generation ${generation}): ${loaded.reason}`);
        return { snapshot: emptySnapshot(site), generation };
      }
      return { snapshot: loaded.snapshot, generation };
    },

    async write(site, snapshot, generation) {
      try {
        await bucket.file(OBJECTS.liveSnapshot(site)).save(serializeSnapshot(snapshot), {
          resumable: false,
          preconditionOpts: { ifGenerationMatch: generation },
          // Readers poll it every second or two: no edge caching of a value that is stale in seconds.
          metadata: { contentType: 'application/json', cacheControl: 'no-store' },
        });
        return true;
      } catch (err) {
        if (isPreconditionFailed(err)) return false;
        throw err;
      }
    },
  };
}
