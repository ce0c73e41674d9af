// AlarmEvent: one alarm transition raised by detect and published to the `alerts` topic.
// Its BigQuery row (alarm_events, snake_case) is AlarmEventRow in rows.ts.
import Type, { type Static } from 'typebox';
import { RFC3339_PATTERN, SITE_PATTERN } from './reading-batch.ts';

/**
 * HH/H/L/LL: absolute limits (ISA-18.2 §3, "absolute alarm"); ROC: rate of change; STALE: no data
 * within the stale timeout; BAD_QUALITY: OPC UA quality bad; STAT: statistical (EWMA) deviation.
 */
export const CONDITIONS = ['HH', 'H', 'L', 'LL', 'ROC', 'STALE', 'BAD_QUALITY', 'STAT'] as const;
export const Condition = Type.Enum(CONDITIONS);
export type Condition = Static<typeof Condition>;

export const Transition = Type.Enum(['active', 'cleared']);
export type Transition = Static<typeof Transition>;

/** Four priorities, as ISA-18.2 and EEMUA 191 recommend (three or four, most alarms low). */
export const PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export const Priority = Type.Enum(PRIORITIES);
export type Priority = Static<typeof Priority>;

const Time = (description: string) => Type.String({ pattern: RFC3339_PATTERN, format: 'date-time', description });

export const AlarmEvent = Type.Object(
  {
    eventId: Type.String({
      pattern: '^[0-9a-f]{32}$',
      description: 'sha256 over site, tag, condition, transition, reading time and rules version (first 128 bits, hex)',
    }),
    site: Type.String({ pattern: SITE_PATTERN }),
    tag: Type.String({ minLength: 1, description: 'KKS code, normalised' }),
    condition: Condition,
    transition: Transition,
    value: Type.Union([Type.Number(), Type.Null()], { description: 'Value behind the transition' }),
    limit: Type.Union([Type.Number(), Type.Null()], {
      description: 'Limit crossed: the HH/H/L/LL limit, the rate (units/s) for ROC, the timeout (s) for STALE, the band edge for STAT; null for BAD_QUALITY',
    }),
    priority: Priority,
    readingTs: Time('Event time of the reading behind the transition (for STALE active: the last reading)'),
    detectedAt: Time('When detect evaluated it'),
    rulesVersion: Type.String({ minLength: 1 }),
    late: Type.Optional(
      Type.Boolean({
        description:
          "True when found in late data (a reading older than its tag's last processed one): it happened at readingTs and is reported now; absent on live events",
      }),
    ),
  },
  { additionalProperties: false, title: 'AlarmEvent', description: 'One alarm transition (active or cleared)' },
);
export type AlarmEvent = Static<typeof AlarmEvent>;
