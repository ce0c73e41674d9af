// BigQuery views from sql/views/*.sql. Convention for the SQL author: one view per file, the file
// name (without .sql) is the view name, and every table or view is written fully qualified with
// two placeholders, `${project}.${dataset}.readings`, which the program substitutes per stack.
// Any other `${…}` is an error, so a typo cannot reach BigQuery. A view that reads another view
// is created after it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface ViewSpec {
  readonly name: string;
  readonly file: string;
  /** SQL with the placeholders substituted. */
  readonly query: string;
  /** Names of other views this one reads (created first). */
  readonly dependsOnViews: readonly string[];
}

export class ViewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ViewError';
  }
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const REFERENCE = /\$\{project\}\.\$\{dataset\}\.([A-Za-z_][A-Za-z0-9_]*)/g;
const VIEW_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,1023}$/;

/** Reads and checks every view; an absent folder means no views yet. Ordered: dependencies first. */
export function loadViews(dir: string, project: string, dataset: string, tableNames: readonly string[]): ViewSpec[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const raw = new Map<string, { file: string; sql: string }>();
  for (const f of files) {
    const name = basename(f, '.sql');
    const file = join(dir, f);
    if (!VIEW_NAME.test(name)) throw new ViewError(`${file}: "${name}" is not a valid BigQuery view name (letters, digits, _)`);
    if (tableNames.includes(name)) throw new ViewError(`${file}: a view may not take the name of table "${name}"`);
    const sql = readFileSync(file, 'utf8');
    for (const m of sql.matchAll(PLACEHOLDER)) {
      if (m[1] !== 'project' && m[1] !== 'dataset') {
        throw new ViewError(`${file}: unknown placeholder "${m[0]}"; only \${project} and \${dataset} are substituted`);
      }
    }
    raw.set(name, { file, sql });
  }
  const deps = new Map<string, string[]>();
  for (const [name, { sql }] of raw) {
    const refs = [...sql.matchAll(REFERENCE)].map((m) => m[1] ?? '').filter((r) => raw.has(r) && r !== name);
    deps.set(name, [...new Set(refs)]);
  }
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') throw new ViewError(`views read each other in a cycle: ${[...path, name].join(' → ')}`);
    state.set(name, 'visiting');
    for (const d of deps.get(name) ?? []) visit(d, [...path, name]);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const name of raw.keys()) visit(name, []);
  return ordered.map((name) => {
    const { file, sql } = raw.get(name) ?? { file: '', sql: '' };
    return {
      name,
      file,
      query: sql.replaceAll('${project}', project).replaceAll('${dataset}', dataset),
      dependsOnViews: deps.get(name) ?? [],
    };
  });
}
