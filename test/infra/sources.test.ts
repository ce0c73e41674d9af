// Files the program reads at deploy time: built function folders and BigQuery view SQL.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { functionSource, MissingBuildError } from '../../infra/sources.ts';
import { loadViews, ViewError } from '../../infra/views.ts';
import { fakeBuild } from './harness.ts';

describe('function sources', () => {
  test('a missing build stops the program with what to run', () => {
    const dist = mkdtempSync(join(tmpdir(), 'plantlake-empty-'));
    expect(() => functionSource(dist, 'detect', 'plantlake:functionsDistDir')).toThrow(MissingBuildError);
    expect(() => functionSource(dist, 'detect', 'plantlake:functionsDistDir')).toThrow(
      /detect\/index\.js is missing: run `npm run build` before `pulumi up` \(or point plantlake:functionsDistDir/,
    );
  });

  test('a folder without package.json is not a build either', () => {
    const dist = mkdtempSync(join(tmpdir(), 'plantlake-half-'));
    mkdirSync(join(dist, 'land'));
    writeFileSync(join(dist, 'land', 'index.js'), '');
    expect(() => functionSource(dist, 'land', 'k')).toThrow(/land\/package\.json is missing/);
  });

  test('the content hash is stable and follows the content', () => {
    const dist = fakeBuild();
    const a = functionSource(dist, 'land', 'k');
    expect(functionSource(dist, 'land', 'k').hash).toBe(a.hash);
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(functionSource(dist, 'detect', 'k').hash).not.toBe(a.hash);
    writeFileSync(join(dist, 'land', 'index.js'), 'export const changed = true;\n');
    expect(functionSource(dist, 'land', 'k').hash).not.toBe(a.hash);
  });
});

describe('views from sql/views', () => {
  const dir = (files: Record<string, string>) => {
    const d = mkdtempSync(join(tmpdir(), 'plantlake-views-'));
    for (const [name, sql] of Object.entries(files)) writeFileSync(join(d, name), sql);
    return d;
  };
  const tables = ['readings', 'tags', 'alarm_events', 'load_audit'];

  test('an absent folder means no views', () => {
    expect(loadViews(join(tmpdir(), 'no-such-views-folder'), 'p', 'd', tables)).toEqual([]);
  });

  test('placeholders are substituted and a view reading another comes after it', () => {
    const views = loadViews(
      dir({
        'a_daily.sql': 'SELECT * FROM `${project}.${dataset}.z_base` WHERE day > 0',
        'z_base.sql': 'SELECT site, tag FROM `${project}.${dataset}.readings` WHERE ts > "2020-01-01"',
        'notes.txt': 'ignored',
      }),
      'my-proj',
      'plantlake',
      tables,
    );
    expect(views.map((v) => v.name)).toEqual(['z_base', 'a_daily']);
    expect(views[0]?.query).toBe('SELECT site, tag FROM `my-proj.plantlake.readings` WHERE ts > "2020-01-01"');
    expect(views[1]?.dependsOnViews).toEqual(['z_base']);
    expect(views[0]?.dependsOnViews).toEqual([]);
  });

  test('an unknown placeholder, a bad name, a table name or a cycle is an error naming the file', () => {
    expect(() => loadViews(dir({ 'v.sql': 'SELECT * FROM `${projet}.${dataset}.readings`' }), 'p', 'd', tables)).toThrow(
      /v\.sql: unknown placeholder "\$\{projet\}"/,
    );
    expect(() => loadViews(dir({ 'bad-name.sql': 'SELECT 1' }), 'p', 'd', tables)).toThrow(ViewError);
    expect(() => loadViews(dir({ 'readings.sql': 'SELECT 1' }), 'p', 'd', tables)).toThrow(/table "readings"/);
    expect(() =>
      loadViews(dir({ 'a.sql': 'SELECT * FROM `${project}.${dataset}.b`', 'b.sql': 'SELECT * FROM `${project}.${dataset}.a`' }), 'p', 'd', tables),
    ).toThrow(/cycle: a → b → a/);
  });
});
