// The parts the config table (function-env.ts) is built from: what a setting declares, who reads
// and sets it, and the parsers that turn a variable's text into a value or a problem that names the
// variable, says what is wrong and how to fix it. Pure.
import type { FunctionName } from './resources.ts';

/** Who reads a variable: a deployed function, the panel (Cloud Run service) or the CLI. */
export type SettingReader = FunctionName | 'panel' | 'cli';

/**
 * Who sets it in Google Cloud:
 * - pulumi: the Pulumi program, on every deployed reader (a value left unset means the default);
 * - secret: the Pulumi program, from Secret Manager;
 * - default: nobody; the documented default applies (set it by hand locally, or in the CLI);
 * - cloud-run: Cloud Run itself;
 * - local: nobody, ever: for the emulators and local test keys only.
 */
export type SettingSource = 'pulumi' | 'secret' | 'default' | 'cloud-run' | 'local';

export interface Setting<T = unknown, R extends SettingReader = SettingReader, S extends SettingSource = SettingSource> {
  readonly env: string;
  /** The value's form, as README shows it. */
  readonly type: string;
  /** The default as README shows it; undefined: the variable is required. */
  readonly default: string | undefined;
  readonly description: string;
  readonly readers: readonly R[];
  readonly source: S;
  /** The CLI flag that mirrors it (commander syntax), for the readers that include 'cli'. */
  readonly flag?: string;
  /** The value from the trimmed text (undefined when unset or blank); throws a SettingProblem. */
  readonly parse: (raw: string | undefined) => T;
}

/** One bad or missing variable; settingsFor gathers them all into one SettingsError. */
export class SettingProblem extends Error {}

export class SettingsError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(problems.join(' '));
    this.problems = problems;
  }
}

// `const` keeps readers and source as literal types, so SettingsOf<'land'> knows its keys.
export function setting<T, const R extends SettingReader, const S extends SettingSource>(
  s: Omit<Setting<T, R, S>, 'parse'> & { parse: (raw: string | undefined, name: string) => T },
): Setting<T, R, S> {
  return { ...s, parse: (raw) => s.parse(raw, s.env) };
}

/** A malformed value: the variable, what it must be, what it was, and the fix. */
export function badValue(name: string, expect: string, raw: string, fix: string): never {
  throw new SettingProblem(`${name} must be ${expect}; got "${raw}". ${fix}`);
}

export const required =
  (what: string) =>
  (raw: string | undefined, name: string): string => {
    if (raw === undefined) throw new SettingProblem(`${name} is not set: ${what}. The deployment (Pulumi, or the local runtime) must set it.`);
    return raw;
  };

export const text =
  (fallback: string) =>
  (raw: string | undefined): string =>
    raw ?? fallback;

export const optionalText = (raw: string | undefined): string | undefined => raw;

export function whole(min: number, max: number, fallback: number): (raw: string | undefined, name: string) => number;
export function whole(min: number, max: number, fallback: undefined): (raw: string | undefined, name: string) => number | undefined;
export function whole(min: number, max: number, fallback: number | undefined) {
  return (raw: string | undefined, name: string): number | undefined => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
      badValue(
        name,
        range,
        raw,
        fallback === undefined ? `Set it to ${range}, or unset it.` : `Set it to ${range}, or unset it for the default (${fallback}).`,
      );
    }
    return n;
  };
}

export const seconds =
  (fallback: number) =>
  (raw: string | undefined, name: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0)
      badValue(name, 'a number of seconds ≥ 0', raw, `Set it to a number of seconds, or unset it for the default (${fallback}).`);
    return n;
  };

export const oneOf =
  <const V extends string>(values: readonly V[], fallback: V) =>
  (raw: string | undefined, name: string): V => {
    const v = raw ?? fallback;
    if (!(values as readonly string[]).includes(v)) {
      const list = `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
      badValue(name, list, v, `Set it to one of those, or unset it for the default (${fallback}).`);
    }
    return v as V;
  };

export const list = (raw: string | undefined): readonly string[] =>
  (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function json(name: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new SettingProblem(`${name} must be JSON; got "${raw.slice(0, 40)}…" (${(err as Error).message}). Set it to the JSON the deployment writes.`);
  }
}
