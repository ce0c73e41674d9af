// Alarm rules: parse (YAML or JSON), reject contradictions, compile to a resolver that finds the
// one rule of a tag once and remembers it.
//
// Precedence (documented in schemas/rules.ts too): exactly one rule applies to a tag.
//   1. a rule naming the exact tag;
//   2. else the pattern (prefix or parts) with the most literal characters;
//   3. on a tie, the rule listed first.
// Fields are not merged between rules: what the winning rule leaves out comes from `defaults`
// (deadband, delays, priority, badQuality), and a detector it does not configure is off. So a rule
// that configures nothing silences its tags. Rules are checked with defaults applied.
import { parseDocument } from 'yaml';
import { CONDITIONS, type Condition, type Priority } from '../../schemas/alarm-event.ts';
import { Rule, RuleDefaults, RulesDocument, type BadQualityMode } from '../../schemas/rules.ts';
import { inDocumentOrder, show, summarise, type Problem } from './problems.ts';
import { buildMatcher, patternMatches, type Matcher } from './rule-match.ts';
import { compileSchema, type FieldHints } from './schema-check.ts';

export interface StatSettings {
  readonly alpha: number;
  readonly k: number;
  readonly kClear: number;
  readonly warmup: number;
  readonly minSigma: number;
  readonly freezeWhileActive: boolean;
}

/** A rule with defaults applied, in the units the engine uses (milliseconds). */
export interface ResolvedRule {
  /** Where it came from, e.g. `rules[3]`. */
  readonly source: string;
  readonly HH: number | null;
  readonly H: number | null;
  readonly L: number | null;
  readonly LL: number | null;
  readonly deadband: number;
  readonly onDelayMs: number;
  readonly offDelayMs: number;
  readonly priority: Readonly<Record<Condition, Priority>>;
  readonly badQuality: BadQualityMode;
  /** Engineering units per second. */
  readonly maxRateOfChange: number | null;
  readonly staleTimeoutMs: number | null;
  readonly stat: StatSettings | null;
}

export interface CompiledRules {
  readonly version: string;
  readonly ruleCount: number;
  /** The rule of a normalised KKS code, or null when no rule covers it. */
  resolve(tag: string): ResolvedRule | null;
}

export type RulesResult =
  | { readonly ok: true; readonly rules: CompiledRules }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly Problem[] };

const BUILT_IN_DEFAULTS = { deadband: 0, onDelay: 0, offDelay: 0, priority: 'medium', badQuality: 'ignore' } as const;
const STAT_DEFAULTS = { alpha: 0.01, k: 4, warmup: 100, minSigma: 0, freezeWhileActive: false } as const;
const LIMIT_ORDER = ['HH', 'H', 'L', 'LL'] as const;

const seconds = (value: unknown, keyword: string) => (keyword === 'type' ? `must be a number of seconds, not ${show(value)}` : undefined);
const hints: FieldHints = {
  version: (value) => `must be a non-empty string (got ${show(value)}); quote it in YAML, e.g. version: "3"`,
  onDelay: seconds,
  offDelay: seconds,
  staleTimeout: seconds,
};
const schema = compileSchema(RulesDocument, hints);
const ruleSchema = compileSchema(Rule, hints);
const defaultsSchema = compileSchema(RuleDefaults, hints);

/** Reads a rules document (YAML or JSON text, or an already parsed value). */
export function parseRules(input: string | unknown): RulesResult {
  let value = input;
  if (typeof input === 'string') {
    const doc = parseDocument(input, { prettyErrors: true });
    const error = doc.errors[0];
    if (error !== undefined) {
      return rejectAll([{ path: '', reason: `not valid YAML or JSON: ${error.message.split('\n')[0]!.replace(/:$/, '')}; fix the syntax there` }]);
    }
    value = doc.toJS();
  }
  if (schema.check(value)) return compileRules(value);
  // Report contradictions too, in the rules whose shape is right, so one upload shows every problem.
  const problems = schema.problems(value);
  const { rules, defaults } = (value ?? {}) as { rules?: unknown; defaults?: unknown };
  if (Array.isArray(rules)) {
    const usable = rules.flatMap((rule: unknown, index) => (ruleSchema.check(rule) ? [{ rule, index }] : []));
    problems.push(...checkRules(usable, defaultsSchema.check(defaults) ? defaults : undefined).problems);
  }
  return rejectAll(inDocumentOrder(problems, 'rules'));
}

/** Compiles a schema-valid document, or lists its contradictions. */
export function compileRules(doc: RulesDocument): RulesResult {
  const { problems, exact, patterns } = checkRules(
    doc.rules.map((rule, index) => ({ rule, index })),
    doc.defaults,
  );
  if (problems.length > 0) return rejectAll(inDocumentOrder(problems, 'rules'));
  return { ok: true, rules: resolver(doc.version, doc.rules.length, exact, patterns) };
}

type Pattern = { matcher: Matcher; rule: ResolvedRule; index: number; specificity: number };

function checkRules(entries: ReadonlyArray<{ rule: Rule; index: number }>, given: RuleDefaults | undefined) {
  const problems: Problem[] = [];
  const defaults = { ...BUILT_IN_DEFAULTS, ...given };
  const exact = new Map<string, ResolvedRule>();
  const patterns: Pattern[] = [];
  const firstOf = new Map<string, string>();
  entries.forEach(({ rule, index }) => {
    const at = `rules[${index}]`;
    const built = buildMatcher(rule, at);
    if (!built.ok) return void problems.push({ path: built.path, reason: built.reason });
    const { matcher } = built;
    const key = matcher.kind === 'tag' ? `tag ${matcher.code}` : matcher.kind === 'prefix' ? `prefix ${matcher.prefix}` : `parts ${matcher.key}`;
    const earlier = firstOf.get(key);
    if (earlier !== undefined) {
      return void problems.push({ path: at, reason: `covers the same tags as ${earlier} (${key}); merge the two rules into one` });
    }
    firstOf.set(key, at);
    const before = problems.length;
    const resolved = resolveRule(rule, defaults, at, problems);
    if (problems.length > before) return;
    if (matcher.kind === 'tag') exact.set(matcher.code, resolved);
    else patterns.push({ matcher, rule: resolved, index, specificity: matcher.specificity });
  });
  patterns.sort((a, b) => b.specificity - a.specificity || a.index - b.index);
  return { problems, exact, patterns };
}

function resolveRule(rule: Rule, defaults: Required<RuleDefaults>, at: string, problems: Problem[]): ResolvedRule {
  const limits = rule.limits ?? {};
  const present = LIMIT_ORDER.filter((name) => limits[name] !== undefined);
  // Each limit against the ones above it, nearest first; one problem per limit.
  for (let j = 1; j < present.length; j++) {
    const lower = present[j]!;
    const upper = present
      .slice(0, j)
      .reverse()
      .find((name) => !(limits[lower]! < limits[name]!));
    if (upper !== undefined) {
      problems.push({
        path: `${at}.limits.${lower}`,
        reason: `${lower} (${limits[lower]}) must be below ${upper} (${limits[upper]}); limits go HH > H > L > LL`,
      });
    }
  }
  let stat: StatSettings | null = null;
  if (rule.stat !== undefined) {
    const k = rule.stat.k ?? STAT_DEFAULTS.k;
    const kClear = rule.stat.kClear ?? 0.75 * k;
    if (kClear >= k) {
      problems.push({ path: `${at}.stat.kClear`, reason: `${kClear} must be below k (${k}), or a flagged reading could never clear (hysteresis)` });
    }
    stat = { ...STAT_DEFAULTS, ...rule.stat, k, kClear };
  }
  const base = rule.priority ?? defaults.priority;
  const priority = Object.fromEntries(CONDITIONS.map((c) => [c, rule.priorities?.[c] ?? base])) as Record<Condition, Priority>;
  return {
    source: at,
    HH: limits.HH ?? null,
    H: limits.H ?? null,
    L: limits.L ?? null,
    LL: limits.LL ?? null,
    deadband: rule.deadband ?? defaults.deadband,
    onDelayMs: (rule.onDelay ?? defaults.onDelay) * 1000,
    offDelayMs: (rule.offDelay ?? defaults.offDelay) * 1000,
    priority,
    badQuality: rule.badQuality ?? defaults.badQuality,
    maxRateOfChange: rule.maxRateOfChange ?? null,
    staleTimeoutMs: rule.staleTimeout === undefined ? null : rule.staleTimeout * 1000,
    stat,
  };
}

const CACHE_LIMIT = 100_000;

function resolver(version: string, ruleCount: number, exact: ReadonlyMap<string, ResolvedRule>, patterns: readonly Pattern[]): CompiledRules {
  const cache = new Map<string, ResolvedRule | null>();
  return {
    version,
    ruleCount,
    resolve(tag) {
      let rule = cache.get(tag);
      if (rule === undefined) {
        rule = exact.get(tag) ?? patterns.find((p) => patternMatches(p.matcher, tag))?.rule ?? null;
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(tag, rule);
      }
      return rule;
    },
  };
}

function rejectAll(problems: readonly Problem[]): RulesResult {
  return { ok: false, reason: summarise('invalid rules; fix them and upload the file again', problems), problems };
}
