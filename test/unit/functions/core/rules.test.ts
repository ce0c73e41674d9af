import { describe, expect, it } from 'vitest';
import { formatProblem, parseRules } from '../../../../functions/core/index.ts';
import { rules } from './helpers.ts';

const problemsOf = (input: unknown) => {
  const result = parseRules(input);
  if (result.ok) throw new Error('accepted');
  return result.problems.map(formatProblem);
};

describe('rules', () => {
  const yaml = `
version: "2024-05-01.1"
defaults: { deadband: 0.5, onDelay: 10, priority: low }
rules:
  - prefix: "10LAB"                 # 5 literal characters
    limits: { H: 100 }
  - parts: { function: "LAB1?", equipment: "CP*" }   # 6 literal characters
    limits: { H: 50 }
    priority: high
  - tag: "10 LAB10 CP001"           # exact: always wins
    limits: { HH: 20, H: 10, L: 2, LL: 1 }
    onDelay: 0
    priorities: { HH: critical }
  - prefix: "10LAB"                 # never reached: same prefix as rules[0] would be refused
    limits: { H: 1 }
`;

  it('refuses two rules over the same tags', () => {
    expect(problemsOf(yaml)).toEqual(['rules[3]: covers the same tags as rules[0] (prefix 10LAB); merge the two rules into one']);
  });

  it('applies one rule per tag: exact, then most literal characters, then first listed; the rest from defaults', () => {
    const compiled = rules(yaml.split('  - prefix: "10LAB"                 # never')[0]!);
    expect(compiled.version).toBe('2024-05-01.1');
    const exact = compiled.resolve('10LAB10CP001')!;
    expect(exact).toMatchObject({ source: 'rules[2]', HH: 20, H: 10, L: 2, LL: 1, onDelayMs: 0, deadband: 0.5 });
    expect(exact.priority.HH).toBe('critical');
    expect(exact.priority.H).toBe('low');
    expect(compiled.resolve('10LAB11CP002')).toMatchObject({ source: 'rules[1]', H: 50, L: null, onDelayMs: 10_000, deadband: 0.5 });
    expect(compiled.resolve('10LAB11CP002')!.priority.H).toBe('high');
    expect(compiled.resolve('10LAB20CT001')).toMatchObject({ source: 'rules[0]', H: 100 });
    expect(compiled.resolve('10LBA10CP001')).toBeNull();
    expect(compiled.resolve('10LAB20CT001')).toBe(compiled.resolve('10LAB20CT001')); // cached
  });

  it('breaks a specificity tie by order', () => {
    const compiled = rules({
      version: 'v',
      rules: [
        { parts: { equipment: 'CP*' }, limits: { H: 1 } },
        { parts: { function: 'LA*' }, limits: { H: 2 } },
      ],
    });
    expect(compiled.resolve('10LAB10CP001')!.source).toBe('rules[0]');
    expect(compiled.resolve('10LAB10CT001')!.source).toBe('rules[1]');
  });

  it('gives statistical detector defaults', () => {
    const compiled = rules({ version: 'v', rules: [{ prefix: '1', stat: { k: 5 } }] });
    expect(compiled.resolve('10LAB10CT001')!.stat).toEqual({ alpha: 0.01, k: 5, kClear: 3.75, warmup: 100, minSigma: 0, freezeWhileActive: false });
  });

  it('rejects contradictions and unknown pattern syntax, every one with its path', () => {
    expect(
      problemsOf(`
version: "1"
rules:
  - tag: 10LAB10CP001
    limits: { HH: 10, H: 12, L: 12, LL: 1 }
    stat: { k: 3, kClear: 4 }
  - prefix: "10LAB*"
  - parts: { equipment: "C[PT]*" }
  - tag: 10LAB10CP001
  - {}
  - { tag: "10LAB10CP002", prefix: "10" }
  - { tag: "10LAB1CP001" }
  - { parts: {} }
`),
    ).toEqual([
      'rules[0].limits.H: H (12) must be below HH (10); limits go HH > H > L > LL',
      'rules[0].limits.L: L (12) must be below H (12); limits go HH > H > L > LL',
      'rules[0].stat.kClear: 4 must be below k (3), or a flagged reading could never clear (hysteresis)',
      'rules[1].prefix: "10LAB*" is not a prefix: use letters and digits only (it matches every code starting with them; for wildcards use parts)',
      'rules[2].parts.equipment: "C[PT]*" is not a glob here; use letters, digits, * (any run) and ? (one character)',
      'rules[3]: covers the same tags as rules[0] (tag 10LAB10CP001); merge the two rules into one',
      'rules[4]: says no tags; give exactly one of tag (one code), prefix or parts (globs per KKS level)',
      'rules[5]: gives tag and prefix; give exactly one of tag (one code), prefix or parts (globs per KKS level)',
      'rules[6].tag: "10LAB1CP001" is not a KKS code: function key "LAB1C" must be 3 letters and 2 digits ((N)AAANN, e.g. "LAB10")',
      'rules[7].parts: names no level; give a glob for at least one of plant, function, equipment, component',
    ]);
  });

  it('rejects wrong types and values with plain reasons, together with the contradictions', () => {
    expect(
      problemsOf(`
version: 1
rules:
  - { prefix: "10LAB", deadband: -1, onDelay: "5s", priority: urgent, badQuality: drop, limits: { HH: .inf } }
  - { prefix: "10LBA", colour: red }
  - { prefix: "10LCA", limits: { H: 1, L: 2 } }
`),
    ).toEqual([
      'version: must be a non-empty string (got 1); quote it in YAML, e.g. version: "3"',
      'rules[0].deadband: -1 is out of range; must be >= 0',
      'rules[0].onDelay: must be a number of seconds, not "5s"',
      'rules[0].priority: "urgent" is not allowed; use one of "critical", "high", "medium", "low"',
      'rules[0].badQuality: "drop" is not allowed; use one of "ignore", "alarm", "hold"',
      'rules[0].limits.HH: must be a number, not Infinity',
      'rules[1].colour: unknown field; remove it or correct its name (allowed: tag, prefix, parts, description, deadband, onDelay, offDelay, priority, badQuality, priorities, limits, maxRateOfChange, staleTimeout, stat)',
      'rules[2].limits.L: L (2) must be below H (1); limits go HH > H > L > LL',
    ]);
  });

  it('rejects text that is not YAML, with the line', () => {
    expect(problemsOf('version: "1"\nrules:\n  - tag: 10LAB10CP001\n  bad: [')).toEqual([
      'not valid YAML or JSON: All mapping items must start at the same column at line 4, column 1; fix the syntax there',
    ]);
  });
});
