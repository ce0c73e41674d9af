// The I/O of the outbox protocol (functions/core/alarm-outbox.ts): step 2 writes the outbox; step 4
// writes alarm-events objects in the raw zone, then publishes to alerts, then deletes the outbox
// object. Safe to run any number of times for one outbox.
import type { Bucket } from '@google-cloud/storage';
import type { AlertPublisher } from './alert-publisher.ts';
import { createOnce, gzipNdjson, NDJSON_GZIP, readGzipNdjson } from './raw-objects.ts';
import { isNotFound } from './storage-errors.ts';
import { eventObjects, parseOutbox, type Outbox } from '../core/alarm-outbox.ts';
import { outboxObjectName } from '../core/lake-paths.ts';

export interface DeliveryDeps {
  readonly bucket: Bucket;
  readonly publisher: AlertPublisher;
}

/** Writes the outbox (create-only; its name is a hash of its content, so 412 means "same outbox"). */
export async function writeOutbox(bucket: Bucket, outbox: Outbox): Promise<void> {
  await createOnce(bucket, outboxObjectName(outbox.site, outbox.id), JSON.stringify(outbox), { contentType: 'application/json' });
}

/** The outbox a committed state names, or null when it was delivered (deleted) already. */
export async function readOutbox(bucket: Bucket, site: string, id: string): Promise<Outbox | null> {
  const name = outboxObjectName(site, id);
  try {
    const [bytes] = await bucket.file(name).download();
    const outbox = parseOutbox(bytes.toString('utf8'));
    if (outbox === null) {
      throw new Error(`gs://${bucket.name}/${name} is not an alarm-event outbox; restore it from its previous generation, or delete it to give up its events`);
    }
    return outbox;
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/** Returns the raw-zone objects that hold the outbox's events. */
export async function deliverOutbox(deps: DeliveryDeps, outbox: Outbox): Promise<string[]> {
  const names = await Promise.all(
    eventObjects(outbox).map(async (o) => {
      const body = await gzipNdjson(o.rows);
      if ((await createOnce(deps.bucket, o.name, body, NDJSON_GZIP)) === 'created') return o.name;
      // The name is taken: by this outbox (a repeated delivery), or by an earlier committed
      // evaluation of the same batch (e.g. a redelivery that only raised STALE). Compare ids.
      const existing = await readGzipNdjson<{ event_id?: unknown }>(deps.bucket, o.name);
      if (
        sameIds(
          existing.map((r) => String(r.event_id)),
          o.rows.map((r) => r.event_id),
        )
      )
        return o.name;
      await createOnce(deps.bucket, o.alternateName, body, NDJSON_GZIP);
      return o.alternateName;
    }),
  );
  await deps.publisher.publish(outbox.events);
  await deps.bucket.file(outboxObjectName(outbox.site, outbox.id)).delete({ ignoreNotFound: true });
  return names;
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}
