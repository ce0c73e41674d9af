// What a measuring circuit measures, from its KKS equipment unit letters (VGB-B 105, equipment unit
// key, main groups C "direct measuring circuits", D "closed-loop control circuits" and F "indirect
// measuring circuits"; the second letter A2 names the variable, the same in all three groups).
// Structure: https://www.vgb.org/EN/aufbau_anwendung_kraftwerk_kennzeichensystem.HTML; the letters
// are those of the published VGB-B 105 equipment unit key. A2 letters not listed are not variables.

const VARIABLE_BY_A2: Readonly<Record<string, string>> = {
  B: 'flame_thermal_radiation', // thermal radiation, flame monitoring
  D: 'density',
  E: 'electrical', // current, voltage, power, electrical frequency
  F: 'flow',
  G: 'position', // distance, length, position, direction of rotation
  H: 'manual_input', // manually operated sensor, e.g. fire detector push button
  J: 'power', // mechanical, thermal
  K: 'time',
  L: 'level', // also a dividing line between media
  M: 'moisture', // moisture, humidity
  P: 'pressure',
  Q: 'analysis', // quality variables: analysis, material properties
  R: 'radiation', // radiation variables (nuclear)
  S: 'speed', // velocity, speed, mechanical frequency, acceleration
  T: 'temperature',
  U: 'combined', // combined and other variables
  V: 'viscosity',
  W: 'weight', // weight, mass
  Y: 'vibration', // vibration, expansion
};

/** Main groups whose second letter names the measured variable. */
const MEASURING_GROUPS = new Set(['C', 'D', 'F']);

/** Measured quantity of an equipment unit key such as `CT001` → `temperature`; null if not a measuring circuit. */
export function measuredQuantity(equipmentUnit: string | null): string | null {
  if (equipmentUnit === null || !MEASURING_GROUPS.has(equipmentUnit.charAt(0))) return null;
  return VARIABLE_BY_A2[equipmentUnit.charAt(1)] ?? null;
}
