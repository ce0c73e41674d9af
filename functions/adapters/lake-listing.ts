// Listing the raw zone for the daily job: which days exist (one delimiter listing per kind, so a
// lake of years costs a few pages, not a walk over every object), then the objects of one day.
import type { Bucket, File } from '@google-cloud/storage';
import { rawObject } from './gcs-raw-zone.ts';
import { COMPACTION_META, isDay, KIND_PREFIX, parseObjectName, type LakeObject, type ObjectKind } from '../core/lake-paths.ts';

const COMPACTION_KEYS: ReadonlySet<string> = new Set(Object.values(COMPACTION_META));

const PAGE = 1000;

/** Every `dt=YYYY-MM-DD` day that has objects of either kind, ascending. */
export async function listDays(bucket: Bucket, kinds: readonly ObjectKind[] = ['readings', 'alarm-events']): Promise<string[]> {
  const days = new Set<string>();
  for (const kind of kinds) {
    const prefix = `${KIND_PREFIX[kind]}dt=`;
    let pageToken: string | undefined;
    do {
      const [, next, response] = await bucket.getFiles({ prefix, delimiter: '/', autoPaginate: false, maxResults: PAGE, ...(pageToken ? { pageToken } : {}) });
      for (const p of (response as { prefixes?: string[] } | undefined)?.prefixes ?? []) {
        const day = p.slice(prefix.length, -1);
        if (isDay(day)) days.add(day);
      }
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }
  return [...days].sort();
}

export interface DayObjects {
  readonly objects: LakeObject[];
  /** Names under the day's folders that are not raw data objects (left alone, reported). */
  readonly ignored: string[];
}

/** The raw data objects of one day, both kinds. */
export async function listDayObjects(bucket: Bucket, day: string, kinds: readonly ObjectKind[] = ['readings', 'alarm-events']): Promise<DayObjects> {
  const objects: LakeObject[] = [];
  const ignored: string[] = [];
  for (const kind of kinds) {
    // Page by page, so only a page of the client's File objects (a few kB each) is alive at once.
    let pageToken: string | undefined;
    do {
      const [files, next] = await bucket.getFiles({
        prefix: `${KIND_PREFIX[kind]}dt=${day}/`,
        autoPaginate: false,
        maxResults: PAGE,
        ...(pageToken ? { pageToken } : {}),
      });
      for (const file of files) {
        if (parseObjectName(file.name) === null) ignored.push(file.name);
        else objects.push(toLakeObject(file));
      }
      pageToken = (next as { pageToken?: string } | null)?.pageToken;
    } while (pageToken);
  }
  return { objects, ignored };
}

/** Only compaction's keys of the custom metadata: the plan never reads land's (messageId, source, contentSha256), and they are a third of an object's memory (README, daily run at scale). */
export function toLakeObject(file: File): LakeObject {
  return rawObject(file, COMPACTION_KEYS);
}
