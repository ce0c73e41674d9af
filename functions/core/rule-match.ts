// Which tags a rule covers: one exact KKS code, a prefix of the normalised code, or a glob per KKS
// breakdown level. Specificity (literal characters) orders the patterns; see rules.ts for precedence.
import type { Rule } from '../../schemas/rules.ts';
import { parseKks, parseKksCached, type KksCode } from './kks.ts';

export type Matcher =
  | { readonly kind: 'tag'; readonly code: string }
  | { readonly kind: 'prefix'; readonly prefix: string; readonly specificity: number }
  | { readonly kind: 'parts'; readonly test: (kks: KksCode) => boolean; readonly key: string; readonly specificity: number };

export type MatcherResult = { ok: true; matcher: Matcher } | { ok: false; path: string; reason: string };

const PART_NAMES = ['plant', 'function', 'equipment', 'component'] as const;
type PartName = (typeof PART_NAMES)[number];

/** Builds the matcher of rules[index]; exactly one of tag, prefix, parts must be given. */
export function buildMatcher(rule: Rule, at: string): MatcherResult {
  const given = (['tag', 'prefix', 'parts'] as const).filter((key) => rule[key] !== undefined);
  if (given.length !== 1) {
    const what = given.length === 0 ? 'says no tags' : `gives ${given.join(' and ')}`;
    return { ok: false, path: at, reason: `${what}; give exactly one of tag (one code), prefix or parts (globs per KKS level)` };
  }
  if (rule.tag !== undefined) {
    const kks = parseKks(rule.tag);
    return kks.ok ? { ok: true, matcher: { kind: 'tag', code: kks.kks.code } } : { ok: false, path: `${at}.tag`, reason: kks.reason };
  }
  if (rule.prefix !== undefined) {
    const prefix = rule.prefix.replaceAll(' ', '').replace(/^=/, '').toUpperCase();
    if (!/^[A-Z0-9]+$/.test(prefix)) {
      return {
        ok: false,
        path: `${at}.prefix`,
        reason: `${JSON.stringify(rule.prefix)} is not a prefix: use letters and digits only (it matches every code starting with them; for wildcards use parts)`,
      };
    }
    return { ok: true, matcher: { kind: 'prefix', prefix, specificity: prefix.length } };
  }
  const parts = rule.parts ?? {};
  const tests: Array<(kks: KksCode) => boolean> = [];
  let specificity = 0;
  for (const name of PART_NAMES) {
    const glob = parts[name];
    if (glob === undefined) continue;
    const normal = glob.replaceAll(' ', '').toUpperCase();
    if (!/^[A-Z0-9*?]+$/.test(normal)) {
      return {
        ok: false,
        path: `${at}.parts.${name}`,
        reason: `${JSON.stringify(glob)} is not a glob here; use letters, digits, * (any run) and ? (one character)`,
      };
    }
    const regex = new RegExp(`^${normal.replaceAll('?', '[A-Z0-9]').replaceAll('*', '[A-Z0-9]*')}$`);
    tests.push((kks) => {
      const value = partOf(kks, name);
      return value !== null && regex.test(value);
    });
    specificity += normal.replace(/[*?]/g, '').length;
  }
  if (tests.length === 0) {
    return { ok: false, path: `${at}.parts`, reason: 'names no level; give a glob for at least one of plant, function, equipment, component' };
  }
  const key = JSON.stringify(PART_NAMES.map((n) => parts[n]?.replaceAll(' ', '').toUpperCase() ?? null));
  return { ok: true, matcher: { kind: 'parts', test: (kks) => tests.every((t) => t(kks)), key, specificity } };
}

/** True when the (normalised, valid) tag falls under a pattern matcher. */
export function patternMatches(matcher: Matcher, tag: string): boolean {
  if (matcher.kind === 'tag') return matcher.code === tag;
  if (matcher.kind === 'prefix') return tag.startsWith(matcher.prefix);
  const kks = parseKksCached(tag);
  return kks.ok && matcher.test(kks.kks);
}

function partOf(kks: KksCode, name: PartName): string | null {
  switch (name) {
    case 'plant':
      return kks.plant;
    case 'function':
      return kks.functionKey;
    case 'equipment':
      return kks.equipmentUnit;
    case 'component':
      return kks.component;
  }
}
