// The outbox: how detect makes alarm events durable together with the state change that caused
// them, although Cloud Storage updates one object atomically, not two.
//
//   1. evaluate the batch on the site's state (generation g) → events + next state
//   2. write the events to an outbox object named by a hash of their ids (create-only)
//   3. commit the next state with ifGenerationMatch g, naming the outbox in its metadata
//   4. deliver the outbox: alarm-events objects in the raw zone, then publish to alerts,
//      then delete the outbox object
// and every run of detect on a site first delivers the outbox its current state names.
// A crash after 3 leaves a committed state naming an undelivered outbox: the retry of that
// message (or the next batch of the site) delivers it. A lost race at 3 leaves an orphan outbox
// that nothing names: its events never reach alarm-events/ or alerts, so an evaluation that lost
// never shows up as a phantom alarm. Delivery is idempotent: lake objects are create-only and
// alert duplicates carry the same eventId, which notify dedupes. Pure shapes here (the object names
// are in lake-paths.ts); the I/O of steps 2 and 4 is functions/adapters/deliver-outbox.ts.
import { createHash } from 'node:crypto';
import type { AlarmEvent } from '../../schemas/alarm-event.ts';
import type { AlarmEventRow } from '../../schemas/rows.ts';
import { alarmEventsObjectName } from './lake-paths.ts';
import { toAlarmEventRow } from './rows.ts';
import { parseRfc3339, utcDay } from './time.ts';

export interface Outbox {
  readonly version: 1;
  readonly id: string;
  readonly site: string;
  readonly batchId: string;
  readonly events: readonly AlarmEvent[];
}

export function makeOutbox(site: string, batchId: string, events: readonly AlarmEvent[]): Outbox {
  const id = createHash('sha256')
    .update([site, batchId, ...events.map((e) => e.eventId)].join('\n'))
    .digest('hex')
    .slice(0, 32);
  return { version: 1, id, site, batchId, events };
}

/** Reads a stored outbox; null when the text is not one (reported by the caller). */
export function parseOutbox(text: string): Outbox | null {
  try {
    const value = JSON.parse(text) as Partial<Outbox>;
    if (
      value.version !== 1 ||
      typeof value.id !== 'string' ||
      typeof value.site !== 'string' ||
      typeof value.batchId !== 'string' ||
      !Array.isArray(value.events)
    ) {
      return null;
    }
    return value as Outbox;
  } catch {
    return null;
  }
}

export interface EventObject {
  readonly day: string;
  /** `alarm-events/dt=D/site=S/<batchId>.ndjson.gz`. */
  readonly name: string;
  /** Used when `name` already holds other events of the same batch (a later evaluation of it). */
  readonly alternateName: string;
  readonly rows: readonly AlarmEventRow[];
}

/** The outbox's events as `alarm_events` rows, one object per UTC day of their reading time. */
export function eventObjects(outbox: Outbox): EventObject[] {
  const byDay = new Map<string, AlarmEventRow[]>();
  for (const event of outbox.events) {
    const day = utcDay(parseRfc3339(event.readingTs));
    const rows = byDay.get(day) ?? [];
    rows.push(toAlarmEventRow(event));
    byDay.set(day, rows);
  }
  return [...byDay]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, rows]) => ({
      day,
      name: alarmEventsObjectName(day, outbox.site, outbox.batchId),
      alternateName: alarmEventsObjectName(day, outbox.site, `${outbox.batchId}.${outbox.id.slice(0, 12)}`),
      rows,
    }));
}
