// An alarm event put into words for the control room: what, where, how far off, when. The same
// text goes to the chat webhook and the e-mail log entry, so both channels read alike. Pure.
import type { AlarmEvent, CatalogEntry } from '../core/index.ts';

export interface Fact {
  readonly name: string;
  readonly value: string;
}

export interface AlarmText {
  /** One line, e.g. "HIGH · H active · 10LAB10CP001 Feedwater pump A discharge pressure". */
  readonly title: string;
  /** One sentence on what happened, e.g. "182.4 bar is above the H limit of 180 bar". */
  readonly summary: string;
  readonly facts: readonly Fact[];
  /** Title, summary and facts as plain lines (Google Chat text, log message). */
  readonly text: string;
}

export interface TextContext {
  readonly entry: CatalogEntry | undefined;
  readonly environment: string;
  /** Active notifications of this tag and condition held back by the throttle since the last one sent. */
  readonly throttledBefore: number;
}

export function alarmText(event: AlarmEvent, context: TextContext): AlarmText {
  const { entry } = context;
  const unit = entry?.unit ? ` ${entry.unit}` : '';
  const v = (x: number | null) => (x === null ? 'no value' : `${num(x)}${unit}`);
  // Late data (functions/core/alarms.ts): said to be past, so nobody takes it for a live alarm.
  const late = event.late === true;
  const title =
    (late ? 'LATE · ' : '') +
    `${event.priority.toUpperCase()} · ${event.condition} ${event.transition} · ${event.tag}` +
    (entry?.description ? ` ${entry.description}` : '');
  const summary = late ? `${lateLead(event)}: ${describe(event, v, unit)}` : describe(event, v, unit);
  const facts: Fact[] = [
    { name: 'Site', value: event.site },
    ...(entry?.area ? [{ name: 'Plant area', value: entry.area }] : []),
    ...(entry?.equipment ? [{ name: 'Equipment', value: entry.equipment }] : []),
    { name: 'Tag', value: event.tag + (entry?.legacyName ? ` (${entry.legacyName})` : '') },
    { name: 'Value', value: v(event.value) },
    { name: 'Limit', value: limitText(event, unit) },
    { name: 'Priority', value: event.priority },
    { name: 'Reading time', value: utc(event.readingTs) },
    { name: 'Detected', value: utc(event.detectedAt) },
    { name: 'Environment', value: context.environment },
    ...(context.throttledBefore > 0 ? [{ name: 'Throttled', value: `${context.throttledBefore} earlier activation(s) of this alarm were not notified` }] : []),
    { name: 'Rules version', value: event.rulesVersion },
    { name: 'Event id', value: event.eventId },
  ];
  const text = [title, summary, ...facts.map((f) => `${f.name}: ${f.value}`)].join('\n');
  return { title, summary, facts, text };
}

/** "happened at 03:00:00 UTC, reported 6 h 2 min later, found in late data". */
function lateLead(event: AlarmEvent): string {
  const minutes = Math.max(0, Math.round((Date.parse(event.detectedAt) - Date.parse(event.readingTs)) / 60_000));
  const delay = minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
  return `happened at ${utc(event.readingTs)}, reported ${delay} later (found in late data; not active now unless a live alarm says so)`;
}

function describe(event: AlarmEvent, v: (x: number | null) => string, unit: string): string {
  const active = event.transition === 'active';
  const limit = event.limit === null ? '' : `${num(event.limit)}${unit}`;
  switch (event.condition) {
    case 'HH':
    case 'H':
      return active
        ? `${v(event.value)} is above the ${event.condition} limit of ${limit}`
        : `back to normal: ${v(event.value)}, ${event.condition} limit ${limit}`;
    case 'L':
    case 'LL':
      return active
        ? `${v(event.value)} is below the ${event.condition} limit of ${limit}`
        : `back to normal: ${v(event.value)}, ${event.condition} limit ${limit}`;
    case 'ROC':
      return active ? `changing faster than ${limit}/s (now ${v(event.value)})` : `rate of change back within ${limit}/s (now ${v(event.value)})`;
    case 'STALE':
      return active
        ? `no reading for more than ${num(event.limit ?? 0)} s (last value ${v(event.value)})`
        : `readings arrive again (last value ${v(event.value)})`;
    case 'BAD_QUALITY':
      return active ? 'the signal reports quality "bad" (OPC UA): no usable value' : `the signal is good again (${v(event.value)})`;
    case 'STAT':
      return active
        ? `${v(event.value)} is outside its usual range (band edge ${limit})`
        : `back within its usual range: ${v(event.value)} (band edge ${limit})`;
  }
}

function limitText(event: AlarmEvent, unit: string): string {
  if (event.limit === null) return 'none';
  if (event.condition === 'ROC') return `${num(event.limit)}${unit}/s`;
  if (event.condition === 'STALE') return `${num(event.limit)} s without data`;
  return `${num(event.limit)}${unit}`;
}

/** Up to 6 significant digits, no exponent for plant-sized numbers. */
function num(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** `2024-05-01 12:00:00 UTC` (milliseconds dropped: people read seconds). */
function utc(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
