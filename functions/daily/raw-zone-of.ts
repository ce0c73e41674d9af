// The raw-zone port a run works through: the one given in the context (unit tests pass an
// in-memory zone), else the Cloud Storage adapter over the run's raw bucket, built once per bucket.
import type { Bucket } from '@google-cloud/storage';
import { gcsRawZone } from '../adapters/gcs-raw-zone.ts';
import type { RawZone } from '../core/raw-zone.ts';

const built = new WeakMap<Bucket, RawZone>();

export function rawZoneOf(ctx: { readonly raw: Bucket; readonly zone?: RawZone | undefined }): RawZone {
  if (ctx.zone !== undefined) return ctx.zone;
  let zone = built.get(ctx.raw);
  if (zone === undefined) {
    zone = gcsRawZone(ctx.raw);
    built.set(ctx.raw, zone);
  }
  return zone;
}
