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
// alert duplicates carry the same eventId, which notify dedupes. Pure naming and shapes here.
import { createHash } from 'node:crypto';
import { OBJECTS, toAlarmEventRow, utcDay, parseRfc3339, type AlarmEvent, type AlarmEventRow } from '../core/index.ts';

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

/** `state/alarms/outbox/site=S/<id>.json`: beside the state, inside detect's writable prefix. */
export function outboxObjectName(site: string, id: string): string {
  return `${OBJECTS.alarmOutboxPrefix}site=${site}/${id}.json`;
}

/** Reads a stored outbox; null when the text is not one (reported by the caller). */
export function parseOutbox(text: string): Outbox | null {
  try {
    const value = JSON.parse(text) as Partial<Outbox>;
    if (value.version !== 1 || typeof value.id !== 'string' || typeof value.site !== 'string' || typeof value.batchId !== 'string' || !Array.isArray(value.events)) {
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
    .map(([day, rows]) => {
      const base = `${OBJECTS.alarmEventsPrefix}dt=${day}/site=${outbox.site}/${outbox.batchId}`;
      return { day, name: `${base}.ndjson.gz`, alternateName: `${base}.${outbox.id.slice(0, 12)}.ndjson.gz`, rows };
    });
}
