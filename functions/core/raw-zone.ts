// The raw zone as the daily job sees it: a port, so the lifecycle's order of steps (and every
// crash point between them) is plain code over this interface. The Cloud Storage adapter is
// functions/adapters/gcs-raw-zone.ts; the unit tests drive the same code through an in-memory
// implementation that can be told to fail at any step. Pure: types only, no cloud client.
import type { LakeObject } from './lake-paths.ts';

/** What a listing says about one object: a LakeObject, with what a precondition and compose need. */
export interface RawObject extends LakeObject {
  /** Object generation (a number as text); what a precondition names. */
  readonly generation?: string | undefined;
  /** Composite objects: how many non-composite components they hold. */
  readonly componentCount?: number | undefined;
}

export interface ListOptions {
  readonly pageToken?: string | undefined;
  /** '/' lists one folder level: objects directly under the prefix plus `prefixes` below it. */
  readonly delimiter?: string | undefined;
  readonly maxResults?: number | undefined;
  /** Keep only these custom metadata keys on each object (all when absent). */
  readonly metadataKeys?: ReadonlySet<string> | undefined;
}

export interface ListPage {
  readonly objects: readonly RawObject[];
  /** With a delimiter: the sub-folders, each ending in the delimiter. */
  readonly prefixes: readonly string[];
  readonly nextPageToken?: string | undefined;
}

export interface WriteOptions {
  readonly contentType: string;
  readonly contentEncoding?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

/** A write that found the object already there (create-once, compose with ifGenerationMatch=0). */
export type Exists = 'exists';

export interface RawZone {
  /** The bucket's name, for gs:// URIs in messages. */
  readonly name: string;
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  /** The object as listed, or null when it does not exist. */
  stat(name: string): Promise<RawObject | null>;
  /** The stored bytes (not decompressed). Throws when absent. */
  read(name: string): Promise<Buffer>;
  /** Creates `name` only if no object has it (ifGenerationMatch=0). */
  createOnce(name: string, body: Buffer | string, options: WriteOptions): Promise<RawObject | Exists>;
  /**
   * Sets custom metadata keys, only if the object still has `ifGenerationMatch` (when given):
   * 'changed' when the object changed (or vanished) since it was listed.
   */
  setMetadata(name: string, metadata: Readonly<Record<string, string>>, ifGenerationMatch?: string): Promise<'done' | 'changed'>;
  /** Rewrites the object in place into `storageClass` (name, size and hashes stay). */
  setStorageClass(name: string, storageClass: string): Promise<void>;
  /** Deletes the object; 'absent' when it was already gone (a retried run). */
  delete(name: string): Promise<'deleted' | 'absent'>;
  /**
   * Server-side concatenation of up to 32 `sources`, in order, into a new object `target`
   * (ifGenerationMatch=0: 'exists' when it is already there). Nothing passes through the caller.
   */
  compose(sources: readonly string[], target: string, options: WriteOptions): Promise<RawObject | Exists>;
}

/** Cloud Storage's limit on sources per compose request. */
export const COMPOSE_MAX_SOURCES = 32;

/** Every object under `prefix`, page by page (only a page is held by the zone's client at once). */
export async function* listAll(zone: RawZone, prefix: string, options: Omit<ListOptions, 'pageToken'> = {}): AsyncGenerator<RawObject[]> {
  let pageToken: string | undefined;
  do {
    const page = await zone.list(prefix, { ...options, pageToken });
    yield [...page.objects];
    pageToken = page.nextPageToken;
  } while (pageToken);
}
