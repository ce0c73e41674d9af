// Checked readers for stack config. Each reader takes the raw string Pulumi hands the program,
// checks it, and on a bad or missing value records a problem that names the key, says what is
// wrong and shows the command that fixes it. Problems are collected so that one run reports all
// of them; `throwIfProblems` then fails the program before any resource is declared.

/** The raw config source: the value of a fully qualified key (`plantlake:x`), or undefined. */
export type RawConfig = (fullKey: string) => string | undefined;

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(stack: string, problems: readonly string[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Stack "${stack}" config is invalid (${count}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface KeySpec {
  /** Key without namespace, e.g. `coldlineAgeDays`. */
  readonly key: string;
  /** What a good value is, e.g. `a whole number of days ≥ 1`. */
  readonly expect: string;
  /** An example value for the fix-it command. */
  readonly example: string;
  /** Missing is a problem (keys with a default in Pulumi.yaml are always present under the CLI). */
  readonly required?: boolean;
  /** Set with `--secret`; the value is never echoed in messages. */
  readonly secret?: boolean;
}

/** Returns a reason when a value is wrong, undefined when it is fine. */
export type Check = (v: string) => string | undefined;

export class ConfigReader {
  readonly namespace: string;
  private readonly raw: RawConfig;
  private readonly problems: string[] = [];

  constructor(namespace: string, raw: RawConfig) {
    this.namespace = namespace;
    this.raw = raw;
  }

  fullKey(key: string): string {
    return `${this.namespace}:${key}`;
  }

  /** The command that sets a key, for messages. */
  setCommand(spec: KeySpec, array = false): string {
    const full = this.fullKey(spec.key);
    if (array) return `pulumi config set --path '${full}[0]' ${spec.example}`;
    return `pulumi config set${spec.secret ? ' --secret' : ''} ${full} ${spec.example}`;
  }

  /** Records a problem with a key's value (got undefined = missing). */
  fail(spec: KeySpec, got: string | undefined, detail?: string, array = false): void {
    const full = this.fullKey(spec.key);
    const shown = spec.secret ? '(secret value hidden)' : JSON.stringify(got);
    const head = got === undefined ? `${full} is required: ${spec.expect}` : `${full} must be ${spec.expect} (got ${shown})${detail ? `: ${detail}` : ''}`;
    this.problems.push(`${head}; set it with ${this.setCommand(spec, array)}`);
  }

  /** Records a problem that is not about one key alone (e.g. two keys that disagree). */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws one error listing every problem recorded so far, if any. */
  throwIfProblems(stack: string): void {
    if (this.problems.length > 0) throw new ConfigError(stack, this.problems);
  }

  private present(spec: KeySpec): string | undefined {
    const v = this.raw(this.fullKey(spec.key));
    if (v === undefined || v === '') {
      if (spec.required) this.fail(spec, undefined);
      return undefined;
    }
    return v;
  }

  string(spec: KeySpec & { check?: Check }): string | undefined {
    const v = this.present(spec);
    if (v === undefined) return undefined;
    const why = spec.check?.(v);
    if (why !== undefined) {
      this.fail(spec, v, why);
      return undefined;
    }
    return v;
  }

  integer(spec: KeySpec & { min: number; max?: number }): number | undefined {
    const v = this.present(spec);
    if (v === undefined) return undefined;
    const n = /^\s*-?\d+\s*$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < spec.min || (spec.max !== undefined && n > spec.max)) {
      this.fail(spec, v);
      return undefined;
    }
    return n;
  }

  boolean(spec: KeySpec): boolean | undefined {
    const v = this.present(spec);
    if (v === undefined) return undefined;
    if (v === 'true' || v === 'false') return v === 'true';
    this.fail(spec, v);
    return undefined;
  }

  /** A list of strings; Pulumi passes structured values to the program as JSON. */
  stringList(spec: KeySpec & { item: Check; minItems: number }): string[] | undefined {
    const v = this.raw(this.fullKey(spec.key));
    if (v === undefined || v === '') {
      if (spec.required || spec.minItems > 0) this.fail(spec, undefined, undefined, true);
      return spec.required || spec.minItems > 0 ? undefined : [];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(v);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string')) {
      this.fail(spec, v, 'expected a list of strings', true);
      return undefined;
    }
    if (parsed.length < spec.minItems) {
      this.fail(spec, v, `at least ${spec.minItems} item(s) needed`, true);
      return undefined;
    }
    let ok = true;
    for (const x of parsed) {
      const why = spec.item(x);
      if (why !== undefined) {
        this.fail(spec, x, why, true);
        ok = false;
      }
    }
    return ok ? parsed : undefined;
  }
}
