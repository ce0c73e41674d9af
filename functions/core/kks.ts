// KKS codes (VGB-B 105, "Identification System for Power Stations"), process-related identification,
// breakdown levels 0–3:
//   level 0  total plant     1–3 letters/digits (project-specific: "1", "10", "KK2")
//   level 1  function key    (N)AAANN  F0 (optional digit), F1F2F3 system letters, FN FN
//   level 2  equipment unit  AANNN(A)  A1A2 letters, AN AN AN, optional A3
//   level 3  component       AANN      B1B2 letters, BN BN
// Written with or without spaces anywhere ("KK2 LAC 20 AP 001 MT 01" is KK2 | LAC20 | AP001 | MT01).
// What we accept, and why:
// - A leading "=" (VGB prefix sign of the process-related code) is dropped. "+" marks a point of
//   installation or location code (cabinets, rooms), "&" a document code, "-" product designations
//   (IEC 81346): none of them names a signal, so they are refused with that reason.
// - Lower case is accepted and upper-cased. Classifying letters may not be I or O: VGB excludes
//   them (they read as 1 and 0).
// - Level 0 and F0 cannot be told apart once spaces are gone ("10LAB10" is plant 1 + F0 0 or plant
//   10), and the stored form has no spaces. So the split is a function of the normalised code:
//   everything before the system letters is the plant, except a 4th character, which must then be
//   the F0 digit ("KK20LAC20" = KK2 | 0LAC20). A spaced "1 0LAB10" is therefore split as plant 10;
//   the code itself, the identity, is the same either way.
// - At least levels 0 and 1; levels follow each other (no component without an equipment unit).
import { measuredQuantity } from './measured-quantity.ts';

export interface KksCode {
  /** Normalised: no spaces or prefix sign, upper case, e.g. `10LAB10CP001`. The storage key. */
  readonly code: string;
  readonly plant: string;
  /** Level 1 including F0 when present, e.g. `LAB10` or `0LAB10`. */
  readonly functionKey: string;
  readonly equipmentUnit: string | null;
  readonly component: string | null;
  /** From the equipment unit letters of a measuring circuit (CT → temperature), else null. */
  readonly measuredQuantity: string | null;
}

export type KksResult = { readonly ok: true; readonly kks: KksCode } | { readonly ok: false; readonly reason: string };

const FUNCTION_KEY = /[A-Z]{3}\d{2}/;
const EQUIPMENT_UNIT = /^[A-Z]{2}\d{3}[A-Z]?$/;
const COMPONENT = /^[A-Z]{2}\d{2}$/;
const SIGN_REASONS: Readonly<Record<string, string>> = {
  '+': 'starts with "+", which marks a point-of-installation or location code (a cabinet or room), not a signal; send the process-related code, e.g. "10LAB10CP001"',
  '&': 'starts with "&", which marks a document code, not a signal; send the process-related code, e.g. "10LAB10CP001"',
  '-': 'starts with "-", a product designation, not a KKS process-related code; send e.g. "10LAB10CP001"',
};

export function parseKks(raw: string): KksResult {
  const fail = (why: string): KksResult => ({ ok: false, reason: `${JSON.stringify(raw)} is not a KKS code: ${why}` });
  let text = raw.replaceAll(' ', '').toUpperCase();
  const sign = SIGN_REASONS[text.charAt(0)];
  if (sign !== undefined) return fail(sign);
  if (text.startsWith('=')) text = text.slice(1);
  if (text === '') return fail('it is empty; send e.g. "10LAB10CP001"');
  const bad = /[^A-Z0-9]/.exec(text);
  if (bad !== null) {
    return fail(`character ${JSON.stringify(bad[0])} is not allowed; a KKS code has letters and digits only (spaces and a leading "=" are tolerated)`);
  }
  const found = FUNCTION_KEY.exec(text);
  if (found === null) return fail(describeMissingFunctionKey(text));
  const prefix = text.slice(0, found.index);
  let plant = prefix;
  let f0 = '';
  if (prefix.length === 4 && /\d$/.test(prefix)) [plant, f0] = [prefix.slice(0, 3), prefix.slice(3)];
  if (plant === '') return fail(`the total plant (level 0) is missing before the function key ${found[0]}; prefix it, e.g. "1${found[0]}…"`);
  if (prefix.length > 4 && /[A-Z]{3}/.test(prefix)) return fail(describeMissingFunctionKey(text));
  if (prefix.length > 4 || (prefix.length === 4 && f0 === '')) {
    return fail(`total plant "${prefix}" has ${prefix.length} characters; level 0 has 1–3, optionally followed by one F0 digit`);
  }
  const system = found[0];
  if (/[IO]/.test(system.slice(0, 3))) return fail(lettersIO('system letters', system.slice(0, 3)));
  const rest = text.slice(found.index + 5);
  if (rest.length > 10) {
    return fail(`"${rest}" after the function key is too long; equipment unit AANNN(A) and component AANN take at most 10 characters`);
  }
  const [equipmentUnit, component] = splitRest(rest);
  if (equipmentUnit !== null && !EQUIPMENT_UNIT.test(equipmentUnit)) {
    return fail(`equipment unit "${equipmentUnit}" must be 2 letters, 3 digits and an optional letter (AANNN(A), e.g. "CP001")`);
  }
  if (component !== null && !COMPONENT.test(component)) {
    return fail(`component "${component}" must be 2 letters and 2 digits (AANN, e.g. "MT01")`);
  }
  if (equipmentUnit !== null && /[IO]/.test(equipmentUnit.slice(0, 2) + equipmentUnit.slice(5))) {
    return fail(lettersIO('equipment unit letters', equipmentUnit));
  }
  if (component !== null && /[IO]/.test(component.slice(0, 2))) return fail(lettersIO('component letters', component));
  return {
    ok: true,
    kks: { code: text, plant, functionKey: f0 + system, equipmentUnit, component, measuredQuantity: measuredQuantity(equipmentUnit) },
  };
}

/** After the function key: equipment unit AANNN(A) then component AANN; lengths decide where A3 ends. */
function splitRest(rest: string): [string | null, string | null] {
  if (rest === '') return [null, null];
  if (rest.length <= 6) return [rest, null];
  const unitLength = rest.length === 10 && /^[A-Z]{2}\d{3}[A-Z]/.test(rest) ? 6 : 5;
  return [rest.slice(0, unitLength), rest.slice(unitLength)];
}

function describeMissingFunctionKey(text: string): string {
  const letters = /[A-Z]{3}/.exec(text);
  if (letters === null) return 'no function key (level 1) found; after the total plant write 3 letters and 2 digits, e.g. "10LAB10"';
  const candidate = text.slice(letters.index, letters.index + 5);
  return `function key "${candidate}" must be 3 letters and 2 digits ((N)AAANN, e.g. "LAB10")`;
}

function lettersIO(part: string, value: string): string {
  return `${part} in "${value}" use I or O, which KKS does not use (they read as 1 and 0)`;
}

// Gateways send the same few thousand tags again and again: remember each spelling's result.
const cache = new Map<string, KksResult>();
const CACHE_LIMIT = 100_000;

/** parseKks with a bounded memo per raw spelling. */
export function parseKksCached(raw: string): KksResult {
  let result = cache.get(raw);
  if (result === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    result = parseKks(raw);
    cache.set(raw, result);
  }
  return result;
}

/** The normalised code of a tag already known to be valid (throws with the reason otherwise). */
export function normaliseKks(raw: string): string {
  const result = parseKksCached(raw);
  if (!result.ok) throw new Error(result.reason);
  return result.kks.code;
}
