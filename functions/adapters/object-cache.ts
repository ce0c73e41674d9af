// A config object (rules, tag catalog) read from Cloud Storage, parsed once per generation and
// kept per instance. At most every `checkEveryMs` it asks for the object's metadata (one cheap
// request) and downloads again only when the generation changed, so a new rules file takes
// effect within seconds without a redeploy, and a busy instance does not download it per event.
// A new generation that does not parse is reported once and the last good value stays in use; so
// does a missing object (a deployment that replaces it deletes it first), reported at each check.
import type { Bucket } from '@google-cloud/storage';
import { isNotFound } from './storage-errors.ts';

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface ObjectCacheOptions<T> {
  readonly bucket: Bucket;
  readonly name: string;
  readonly parse: (text: string) => ParseResult<T>;
  /** How long a checked generation is trusted before asking again; 0 asks on every get. */
  readonly checkEveryMs: number;
  readonly now?: () => number;
  /** A new generation was loaded (for a log line). */
  readonly onLoaded?: (generation: string, value: T) => void;
  /** A new generation could not be parsed; the previous value stays in use. */
  readonly onInvalid?: (generation: string, reason: string) => void;
  /** The check failed but an earlier value is still served. */
  readonly onStale?: (error: unknown) => void;
  /** The object is gone; the last good value, if any, stays in use (null: there is none). */
  readonly onMissing?: (kept: T | null) => void;
}

export interface ObjectCache<T> {
  /** The last good value; null when no generation of the object was ever read and parsed here. */
  get(): Promise<T | null>;
}

interface Loaded<T> {
  value: T | null;
  /** Generation of `value`, or '' when absent. */
  generation: string;
  checkedAt: number;
}

export function createObjectCache<T>(options: ObjectCacheOptions<T>): ObjectCache<T> {
  const now = options.now ?? Date.now;
  let loaded: Loaded<T> | undefined;
  /** Generation that failed to parse, so it is not downloaded again at each check. */
  let rejected = '';
  let inFlight: Promise<T | null> | undefined;

  async function refresh(): Promise<T | null> {
    const checkedAt = now();
    const file = options.bucket.file(options.name);
    let generation: string;
    try {
      const [meta] = await file.getMetadata();
      generation = String(meta.generation ?? '');
    } catch (err) {
      if (isNotFound(err)) {
        const kept = loaded?.value ?? null;
        loaded = { value: kept, generation: '', checkedAt };
        options.onMissing?.(kept);
        return kept;
      }
      return stale(err);
    }
    if (loaded !== undefined && (generation === loaded.generation || generation === rejected)) {
      loaded.checkedAt = checkedAt;
      return loaded.value;
    }
    let text: string;
    try {
      const [bytes] = await options.bucket.file(options.name, { generation: Number(generation) }).download();
      text = bytes.toString('utf8');
    } catch (err) {
      // Replaced between the two requests: the next get sees the newer generation.
      if (isNotFound(err) && loaded !== undefined) return loaded.value;
      return stale(err);
    }
    const parsed = options.parse(text);
    if (!parsed.ok) {
      rejected = generation;
      options.onInvalid?.(generation, parsed.reason);
      loaded = { value: loaded?.value ?? null, generation: loaded?.generation ?? '', checkedAt };
      return loaded.value;
    }
    loaded = { value: parsed.value, generation, checkedAt };
    options.onLoaded?.(generation, parsed.value);
    return parsed.value;
  }

  function stale(err: unknown): T | null {
    if (loaded === undefined) throw err;
    options.onStale?.(err);
    return loaded.value;
  }

  return {
    get() {
      if (loaded !== undefined && now() - loaded.checkedAt < options.checkEveryMs) return Promise.resolve(loaded.value);
      // Concurrent events on one instance share one check.
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}
