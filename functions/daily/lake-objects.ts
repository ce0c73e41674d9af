// The raw objects the daily job reads, as plain data (what a bucket listing says about each), and
// how their names split into kind, day, site and file. Pure.
//   readings/dt=YYYY-MM-DD/site=S/<batchId>.ndjson.gz       (written by land)
//   alarm-events/dt=YYYY-MM-DD/site=S/<batchId>.ndjson.gz   (written by detect)
//   …/site=S/compacted-<hash>.ndjson.gz                     (written by the daily lifecycle)
import { OBJECTS } from '../core/resources.ts';
import { isDay } from './days.ts';

export type ObjectKind = 'readings' | 'alarm-events';

export const KIND_PREFIX: Readonly<Record<ObjectKind, string>> = {
  readings: OBJECTS.readingsPrefix,
  'alarm-events': OBJECTS.alarmEventsPrefix,
};

/** What a listing tells about one object; enough to fingerprint, load and move it. */
export interface LakeObject {
  readonly name: string;
  readonly size: number;
  /** base64 MD5 of the stored bytes; absent on composite objects. */
  readonly md5Hash?: string | undefined;
  /** base64 CRC32C of the stored bytes; always present on Cloud Storage. */
  readonly crc32c?: string | undefined;
  readonly storageClass?: string | undefined;
  /** Custom metadata (compaction bookkeeping, see fingerprint.ts). */
  readonly metadata?: Readonly<Record<string, string | undefined>> | undefined;
}

export interface ObjectName {
  readonly kind: ObjectKind;
  readonly day: string;
  readonly site: string;
  /** File name inside the site folder, without `.ndjson.gz`. */
  readonly file: string;
  /** `readings/dt=…/site=…/`: the folder compaction works in. */
  readonly folder: string;
}

const NAME = /^(readings|alarm-events)\/dt=([^/]+)\/site=([^/]+)\/([^/]+)\.ndjson\.gz$/;

/** The parts of a raw data object's name, or null for anything else (temp files, other prefixes). */
export function parseObjectName(name: string): ObjectName | null {
  const m = NAME.exec(name);
  if (m === null || !isDay(m[2]!)) return null;
  const kind = m[1] as ObjectKind;
  return { kind, day: m[2]!, site: m[3]!, file: m[4]!, folder: `${kind}/dt=${m[2]}/site=${m[3]}/` };
}

/** `readings/dt=DAY/` (or alarm-events): where a day's objects of one kind live. */
export function dayPrefix(kind: ObjectKind, day: string): string {
  return `${KIND_PREFIX[kind]}dt=${day}/`;
}

export function gsUri(bucket: string, name: string): string {
  return `gs://${bucket}/${name}`;
}
