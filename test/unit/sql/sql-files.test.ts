// sql/ddl must describe the same tables as schemas/bigquery and TABLES (the emulator ignores most
// of DDL, so this is checked here, as text), and sql/views must follow the views convention.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES, type TableSpec } from '../../../functions/core/resources.ts';
import { TABLE_FIELDS, type FieldSchema } from '../../../functions/adapters/bigquery-tables.ts';
import { loadViews } from '../../../infra/views.ts';
import { repoRoot } from '../../../local/repo-root.ts';

const SQL_TYPES: Record<string, string> = { STRING: 'STRING', FLOAT: 'FLOAT64', INTEGER: 'INT64', BOOLEAN: 'BOOL', TIMESTAMP: 'TIMESTAMP', DATE: 'DATE' };

/** The DDL type of a JSON schema field, e.g. ARRAY<STRUCT<file STRING NOT NULL, …>>. */
function ddlType(f: FieldSchema): string {
  const base =
    f.type === 'RECORD'
      ? `STRUCT<${(f.fields ?? []).map((c) => `${c.name} ${ddlType(c)}${c.mode === 'REQUIRED' ? ' NOT NULL' : ''}`).join(', ')}>`
      : SQL_TYPES[f.type]!;
  return f.mode === 'REPEATED' ? `ARRAY<${base}>` : base;
}

/** Splits at top-level commas (not inside <>, () or quotes). */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      cur += ch;
      if (ch === '\\') cur += text[++i] ?? '';
      else if (ch === "'") quote = false;
      continue;
    }
    if (ch === "'") quote = true;
    if (ch === '<' || ch === '(') depth++;
    if (ch === '>' || ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

interface ParsedDdl {
  columns: { name: string; type: string; notNull: boolean; description: string | undefined }[];
  tail: string;
}

function parseDdl(sql: string): ParsedDdl {
  const body = sql.replace(/^--.*$/gm, '');
  const open = body.indexOf('(');
  let depth = 0;
  let close = -1;
  let quote = false;
  for (let i = open; i < body.length && close < 0; i++) {
    const ch = body[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === "'") quote = false;
    } else if (ch === "'") quote = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) close = i;
  }
  const columns = splitTop(body.slice(open + 1, close)).map((def) => {
    const m = /^(\w+)\s+(.+?)(\s+NOT NULL)?(?:\s+OPTIONS\s*\(description = '((?:[^'\\]|\\.)*)'\))?$/s.exec(def.replace(/\s+/g, ' '));
    if (!m) throw new Error(`cannot read column definition: ${def}`);
    return { name: m[1]!, type: m[2]!, notNull: m[3] !== undefined, description: m[4]?.replace(/\\'/g, "'") };
  });
  return { columns, tail: body.slice(close + 1).replace(/\s+/g, ' ') };
}

describe('sql/ddl', () => {
  const dir = join(repoRoot, 'sql', 'ddl');
  const entries = Object.entries(TABLES) as [keyof typeof TABLES, TableSpec][];

  it('has one file per table and no other', () => {
    expect(readdirSync(dir).sort()).toEqual(entries.map(([, s]) => `${s.name}.sql`).sort());
  });

  it.each(entries)('%s matches schemas/bigquery and resources.ts', (key, spec) => {
    const sql = readFileSync(join(dir, `${spec.name}.sql`), 'utf8');
    expect(sql).toContain(`CREATE TABLE IF NOT EXISTS \`\${project}.\${dataset}.${spec.name}\``);
    const { columns, tail } = parseDdl(sql);
    expect(columns.map((c) => [c.name, c.type, c.notNull])).toEqual(TABLE_FIELDS[key].map((f) => [f.name, ddlType(f), f.mode === 'REQUIRED']));
    TABLE_FIELDS[key].forEach((f, i) => expect(columns[i]!.description).toBe(f.description));
    expect(tail.includes(`PARTITION BY DATE(${spec.partitionField})`)).toBe(spec.partitionField !== undefined);
    if (spec.clustering) expect(tail).toContain(`CLUSTER BY ${spec.clustering.join(', ')}`);
    else expect(tail).not.toContain('CLUSTER BY');
    expect(tail.includes('require_partition_filter = TRUE')).toBe(spec.requirePartitionFilter === true);
    expect(tail).toContain(`description = '${spec.description}'`);
  });
});

describe('sql/views', () => {
  it('follow the convention infra/views.ts enforces (names, placeholders, references, no cycles)', () => {
    const views = loadViews(
      join(repoRoot, 'sql', 'views'),
      'p',
      'd',
      Object.values(TABLES).map((t) => t.name),
    );
    expect(views.length).toBeGreaterThanOrEqual(12);
    const known = new Set([...Object.values(TABLES).map((t) => t.name), ...views.map((v) => v.name)]);
    for (const v of views) {
      const refs = [...v.query.replace(/--.*$/gm, '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      expect(refs.length, `${v.file} reads a table`).toBeGreaterThan(0);
      for (const r of refs) {
        expect(r, `${v.file}: every reference is project.dataset.table`).toMatch(/^p\.d\.\w+$/);
        expect(known.has(r.slice(4)), `${v.file} reads unknown ${r}`).toBe(true);
      }
    }
  });

  it('aggregate readings by a day column, so a filter on it reaches the table as a partition filter', () => {
    const fullScans: string[] = [];
    for (const v of loadViews(join(repoRoot, 'sql', 'views'), 'p', 'd', [])) {
      if (!v.query.includes('`p.d.readings`')) continue;
      // A view whose window must run across days (an energy interval over midnight, a tank's
      // previous closing stock) cannot be pruned by a day filter; it says so with an explicit ts
      // condition that satisfies readings' required partition filter (README, Energy cost).
      if (/ts >= TIMESTAMP '1970-01-01 00:00:00\+00'/.test(v.query)) fullScans.push(v.name);
      else expect(v.query, v.file).toMatch(/DATE\(ts\) AS day/);
    }
    expect(fullScans.sort()).toEqual(['energy_cost_intervals', 'tank_balance_daily', 'tank_stock']);
  });
});
