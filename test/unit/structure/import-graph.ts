// The import graph of the repository and the rules it must keep: folders depend one way only,
//   schemas ← functions/core ← functions/adapters ← functions/<fn> ← cli, infra ← local ← scripts, bench, test
// so a reader never goes back and forth, and the core stays free of cloud clients and I/O.
// Peers do not import each other: no function folder another (shared code goes down to adapters or
// core), cli and infra not each other. local (the emulator runtime, the simulated plant, the demo)
// sits above cli: it drives the pipeline as an operator would, through the CLI's own code (config
// checks, the gateway), while nothing the CLI or a deployed function runs depends on local/.
// Pure: it takes file texts and returns violations, so the rules are tested on tiny graphs too.
// TypeScript 7 has no JS API (no ts.preProcessFile), so imports are read with a regex over the
// statements that can name a module: import/export … from, side-effect import, import(…). Type-only
// imports count: a type import is still a dependency a reader has to follow.
import { posix } from 'node:path';

export interface Edge {
  /** Repo-relative path of the importing file, `/`-separated. */
  readonly from: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** Repo-relative path of the imported file for a relative specifier; the package name otherwise. */
  readonly target: string;
  readonly relative: boolean;
}

export interface Violation extends Edge {
  readonly rule: string;
  /** What to do about it: where the shared piece belongs. */
  readonly hint: string;
}

// `import … from '…'` / `export … from '…'` across lines (no `;` or quote before `from`), a
// side-effect `import '…'`, and `import('…')` (dynamic imports and `typeof import('…')` types).
// Statements must start a line, so a commented-out import (`// import …`) is not an edge.
const FROM = /^[ \t]*(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1/gm;
const BARE = /^[ \t]*import\s*(['"])([^'"]+)\1/gm;
const CALL = /\bimport\(\s*(['"])([^'"]+)\1\s*\)/g;

/** Every module specifier the source names, in order of appearance, duplicates kept once. */
export function importSpecifiers(text: string): string[] {
  const found: Array<[number, string]> = [];
  for (const re of [FROM, BARE, CALL]) for (const m of text.matchAll(re)) found.push([m.index, m[2]!]);
  return [...new Set(found.sort((a, b) => a[0] - b[0]).map(([, s]) => s))];
}

/** The edges of one file; relative specifiers resolved against its folder. */
export function edgesOf(from: string, text: string): Edge[] {
  return importSpecifiers(text).map((specifier) => {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    return { from, specifier, relative, target: relative ? posix.normalize(posix.join(posix.dirname(from), specifier)) : packageName(specifier) };
  });
}

/** `@scope/name` or `name` of a bare specifier (`node:fs/promises` → `node:fs`, `fs/promises` → `fs`). */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The layer a repo path belongs to: `core`, `adapters`, `fn:<name>`, or its top folder. */
export function layerOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'functions' && parts.length > 2) {
    if (parts[1] === 'core' || parts[1] === 'adapters') return parts[1];
    return `fn:${parts[1]}`;
  }
  return parts.length > 1 ? parts[0]! : '(root)';
}

// Node modules that do I/O: the core takes data and returns results, its callers do the I/O.
const NODE_IO = new Set(['fs', 'net', 'http', 'https', 'http2', 'dgram', 'dns', 'tls', 'child_process', 'cluster', 'worker_threads', 'readline']);
const CLOUD = /^(@google-cloud\/|@pulumi\/|google-auth-library$|googleapis$|hono$|@hono\/)/;

export interface Rule {
  readonly name: string;
  readonly hint: string;
  /** True when the edge breaks the rule. */
  readonly breaks: (edge: Edge, fromLayer: string, toLayer: string) => boolean;
}

const isFn = (layer: string) => layer.startsWith('fn:');
const isFunctions = (layer: string) => layer === 'core' || layer === 'adapters' || isFn(layer);

/** The rule set; each edge is checked against every rule and may break several. */
export const RULES: readonly Rule[] = [
  {
    name: 'schemas import nothing but schemas',
    hint: 'schemas/ is the contract everything reads; move the code it needs into schemas/',
    breaks: (e, from, to) => from === 'schemas' && e.relative && to !== 'schemas',
  },
  {
    name: 'core imports only core and schemas',
    hint: 'functions/core is the bottom layer; move the shared piece into functions/core (naming, pure logic) or pass it in as a parameter',
    breaks: (e, from, to) => from === 'core' && e.relative && to !== 'core' && to !== 'schemas',
  },
  {
    name: 'core imports no cloud client, Pulumi, hono or node I/O',
    hint: 'functions/core takes data and returns results; do the I/O in functions/adapters and pass the result in',
    breaks: (e, from) => {
      if (from !== 'core' || e.relative) return false;
      const name = e.target.replace(/^node:/, '');
      return CLOUD.test(e.target) || NODE_IO.has(name);
    },
  },
  {
    name: 'adapters import only adapters, core and schemas',
    hint: 'functions/adapters sits below the function folders; move what both need into functions/core (pure) or functions/adapters (I/O)',
    breaks: (e, from, to) => from === 'adapters' && e.relative && !['adapters', 'core', 'schemas'].includes(to),
  },
  {
    name: 'a function folder imports no other function folder',
    hint: 'functions share code through functions/adapters (I/O) or functions/core (pure), never sideways',
    breaks: (e, from, to) => e.relative && isFn(from) && isFn(to) && from !== to,
  },
  {
    name: 'functions import nothing above them (cli, local, infra, scripts, bench, test)',
    hint: 'deployed code cannot reach the tools built on it; move the piece into functions/',
    breaks: (e, from, to) => e.relative && isFunctions(from) && !isFunctions(to) && to !== 'schemas',
  },
  {
    name: 'only local, scripts, bench and test import local',
    hint: 'local/ is the emulator runtime; move what production code or the CLI needs below it (functions/adapters, functions/core, cli)',
    breaks: (e, from, to) => e.relative && to === 'local' && !['local', 'scripts', 'bench', 'test'].includes(from),
  },
  {
    name: 'infra imports no cli or local',
    hint: 'infra provisions the functions; share through functions/ (names in functions/core/resources.ts)',
    breaks: (e, from, to) => e.relative && from === 'infra' && (to === 'cli' || to === 'local'),
  },
  {
    name: 'cli imports no infra',
    hint: 'cli and infra are peers; share through functions/',
    breaks: (e, from, to) => e.relative && from === 'cli' && to === 'infra',
  },
  {
    name: 'only scripts, bench and test import scripts or bench',
    hint: 'scripts/ and bench/ are entry points at the top; move what others need into the folder below that owns it (local, cli, functions)',
    breaks: (e, from, to) => e.relative && (to === 'scripts' || to === 'bench') && from !== to && from !== 'test',
  },
  {
    name: 'nothing outside test imports test',
    hint: 'test helpers serve tests only; move the piece into the folder that uses it',
    breaks: (e, from, to) => e.relative && to === 'test' && from !== 'test',
  },
];

/** Every edge that breaks a rule, in file order. */
export function checkImports(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const edge of edgesOf(path, text)) {
      const fromLayer = layerOf(edge.from);
      const toLayer = edge.relative ? layerOf(edge.target) : '(package)';
      for (const rule of RULES) if (rule.breaks(edge, fromLayer, toLayer)) violations.push({ ...edge, rule: rule.name, hint: rule.hint });
    }
  }
  return violations;
}

/** One line a reader can act on: the file, the import, the rule and where the piece belongs. */
export function formatViolation(v: Violation): string {
  const target = v.relative ? ` (${v.target})` : '';
  return `${v.from} imports '${v.specifier}'${target}: breaks "${v.rule}"; ${v.hint}`;
}
