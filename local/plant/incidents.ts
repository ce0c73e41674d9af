// Scripted incidents of the simulated day, each with the alarms it must raise (and nothing else
// in the day may raise one): the end-to-end test and the demo check exactly these.
export interface ExpectedAlarm {
  site: string;
  tag: string;
  condition: string;
}

interface IncidentBase {
  name: string;
  tag: string;
  /** Seconds of the day, [from, to). */
  from: number;
  to: number;
  /** The alarms it raises: each goes active once and clears once. */
  expects: readonly ExpectedAlarm[];
}

export type Incident =
  | (IncidentBase & { kind: 'shape'; value: (second: number, normal: number) => number })
  | (IncidentBase & { kind: 'bad-quality' })
  | (IncidentBase & { kind: 'gap' });

const h = (hours: number, minutes = 0) => hours * 3600 + minutes * 60;

/** Linear from a to b as s runs from s0 to s1. */
const lerp = (s: number, s0: number, s1: number, a: number, b: number) => a + ((b - a) * (s - s0)) / (s1 - s0);

export const INCIDENTS: readonly Incident[] = [
  {
    kind: 'shape',
    name: 'tank TK-101 overfills (level to 97 %), then is drained',
    tag: '10EGB10CL001',
    from: h(9),
    to: h(10, 30),
    value: (s, normal) => (s < h(9, 45) ? lerp(s, h(9), h(9, 45), normal, 97) : s < h(9, 55) ? 97 : lerp(s, h(9, 55), h(10, 30), 97, normal)),
    expects: [
      { site: 'REF-01', tag: '10EGB10CL001', condition: 'H' },
      { site: 'REF-01', tag: '10EGB10CL001', condition: 'HH' },
    ],
  },
  {
    kind: 'shape',
    name: 'pump P-201A discharge pressure spikes to 17.5 bar for 3 minutes',
    tag: '10EGC10CP001',
    from: h(14),
    to: h(14, 3),
    value: () => 17.5,
    expects: [
      { site: 'REF-01', tag: '10EGC10CP001', condition: 'H' },
      { site: 'REF-01', tag: '10EGC10CP001', condition: 'HH' },
    ],
  },
  {
    kind: 'bad-quality',
    name: 'heater H-301 outlet temperature transmitter sticks (gateway marks bad quality)',
    tag: '10HHA10CT001',
    from: h(18),
    to: h(18, 20),
    expects: [{ site: 'REF-01', tag: '10HHA10CT001', condition: 'BAD_QUALITY' }],
  },
  {
    kind: 'gap',
    name: 'feeder 1 power: no data for 15 minutes',
    tag: '30BBA10CE001',
    from: h(21),
    to: h(21, 15),
    expects: [{ site: 'FDR-01', tag: '30BBA10CE001', condition: 'STALE' }],
  },
];

/**
 * The alarms a simulated stretch of the day must raise: those of the incidents it holds whole
 * (with an hour to spare, so off-delays and clears fall inside it too).
 */
export function expectedAlarms(hours: readonly [number, number] = [0, 24]): ExpectedAlarm[] {
  return INCIDENTS.filter((i) => i.from >= hours[0] * 3600 && i.to + 3600 <= hours[1] * 3600).flatMap((i) => i.expects);
}

/** Every alarm the whole simulated day must raise. */
export const EXPECTED_ALARMS: readonly ExpectedAlarm[] = INCIDENTS.flatMap((i) => i.expects);
