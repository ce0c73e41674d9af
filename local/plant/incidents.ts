// Scripted incidents of the simulated day, each with the alarms it must raise (and nothing else
// in the day may raise one): the end-to-end test and the demo check exactly these.
export type Incident =
  | { kind: 'shape'; name: string; tag: string; from: number; to: number; value: (second: number, normal: number) => number }
  | { kind: 'bad-quality'; name: string; tag: string; from: number; to: number }
  | { kind: 'gap'; name: string; tag: string; from: number; to: number };

export interface ExpectedAlarm {
  site: string;
  tag: string;
  condition: string;
}

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
  },
  {
    kind: 'shape',
    name: 'pump P-201A discharge pressure spikes to 17.5 bar for 3 minutes',
    tag: '10EGC10CP001',
    from: h(14),
    to: h(14, 3),
    value: () => 17.5,
  },
  {
    kind: 'bad-quality',
    name: 'heater H-301 outlet temperature transmitter sticks (gateway marks bad quality)',
    tag: '10HHA10CT001',
    from: h(18),
    to: h(18, 20),
  },
  { kind: 'gap', name: 'feeder 1 power: no data for 15 minutes', tag: '30BBA10CE001', from: h(21), to: h(21, 15) },
];

/** Every alarm the simulated day must raise (each goes active once and clears once). */
export const EXPECTED_ALARMS: readonly ExpectedAlarm[] = [
  { site: 'REF-01', tag: '10EGB10CL001', condition: 'H' },
  { site: 'REF-01', tag: '10EGB10CL001', condition: 'HH' },
  { site: 'REF-01', tag: '10EGC10CP001', condition: 'H' },
  { site: 'REF-01', tag: '10EGC10CP001', condition: 'HH' },
  { site: 'REF-01', tag: '10HHA10CT001', condition: 'BAD_QUALITY' },
  { site: 'FDR-01', tag: '30BBA10CE001', condition: 'STALE' },
];
