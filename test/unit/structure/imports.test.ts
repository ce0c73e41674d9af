// The repository's imports point one way (rules in import-graph.ts). The first test checks the real
// tree and prints every violation with what to move where; the rest run the same checker over tiny
// in-memory graphs, so each rule is shown to fail on a back-edge and to pass the edges it allows.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImports, edgesOf, formatViolation, importSpecifiers, layerOf, RULES } from './import-graph.ts';

const root = join(import.meta.dirname, '../../..');
// test/ is not scanned: a test may import any folder (and this file holds imports as sample text).
const SCANNED = ['functions', 'cli', 'local', 'infra', 'scripts', 'bench', 'schemas'];

function sources(): Map<string, string> {
  const files = new Map<string, string>();
  for (const top of SCANNED) {
    for (const entry of readdirSync(join(root, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const path = join(entry.parentPath, entry.name)
        .slice(root.length + 1)
        .split('\\')
        .join('/');
      files.set(path, readFileSync(join(root, path), 'utf8'));
    }
  }
  return files;
}

const graph = (files: Record<string, string>) => checkImports(new Map(Object.entries(files)));

describe('the repository import graph', () => {
  const files = sources();

  it('has no edge against the direction', () => {
    const lines = checkImports(files).map(formatViolation);
    if (lines.length > 0) console.error(`${lines.length} import(s) against the direction:\n${lines.join('\n')}`);
    expect(lines).toEqual([]);
  });

  it('reads every import: each relative specifier names a file that exists', () => {
    // A regex that silently missed statements would let back-edges through; every edge it finds
    // must resolve, and the graph must be as big as the tree (about 200 files, 900 edges in 2026-12).
    const edges = [...files].flatMap(([path, text]) => edgesOf(path, text));
    expect(files.size).toBeGreaterThan(150);
    expect(edges.length).toBeGreaterThan(600);
    const missing = edges.filter((e) => e.relative && !e.target.endsWith('.json') && !files.has(e.target) && !existsSync(join(root, e.target)));
    expect(missing.map((e) => `${e.from} → ${e.specifier}`)).toEqual([]);
    // Every `from '…'` in a file is one of its edges (a statement split over lines included).
    for (const [path, text] of files) {
      const specifiers = new Set(edgesOf(path, text).map((e) => e.specifier));
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^;]*?from\s*'([^']+)'/gm)) expect(specifiers.has(m[1]!), `${path}: ${m[0]}`).toBe(true);
    }
  });
});

describe('reading imports', () => {
  it('finds every form that names a module, type-only ones too, and ignores comments', () => {
    const text = [
      "import type { A } from './a.ts';",
      "import { type B, c } from './b.ts';",
      'import {',
      '  d,',
      '  e,',
      "} from '../c.ts';",
      "export { F } from './f.ts';",
      "export type { G } from './g.ts';",
      "export * from './h.ts';",
      "import './side-effect.ts';",
      "const i = await import('./i.ts');",
      "type J = typeof import('@google-cloud/storage');",
      "// import { k } from './commented.ts';",
      "const note = 'see ./string.ts';",
      "import * as functions from '@google-cloud/functions-framework';",
    ].join('\n');
    expect(importSpecifiers(text)).toEqual([
      './a.ts',
      './b.ts',
      '../c.ts',
      './f.ts',
      './g.ts',
      './h.ts',
      './side-effect.ts',
      './i.ts',
      '@google-cloud/storage',
      '@google-cloud/functions-framework',
    ]);
  });

  it('resolves relative specifiers against the importing file and names layers', () => {
    const [edge] = edgesOf('functions/adapters/lake-listing.ts', "import { x } from '../daily/plan.ts';");
    expect(edge).toMatchObject({ target: 'functions/daily/plan.ts', relative: true });
    expect(edgesOf('cli/x.ts', "import { S } from '@google-cloud/storage/build/src/index.js';")[0]!.target).toBe('@google-cloud/storage');
    expect(edgesOf('cli/x.ts', "import { readFile } from 'node:fs/promises';")[0]!.target).toBe('node:fs');
    expect(
      ['functions/core/kks.ts', 'functions/adapters/log.ts', 'functions/sweep/sweep.ts', 'cli/plantlake.ts', 'local/plant/plant.ts', 'schemas/rules.ts'].map(
        layerOf,
      ),
    ).toEqual(['core', 'adapters', 'fn:sweep', 'cli', 'local', 'schemas']);
  });
});

describe('the rules fail on a back-edge', () => {
  it('names the file, the import and the rule, and says where the piece belongs', () => {
    const [v, ...rest] = graph({ 'functions/adapters/lake-listing.ts': "import type { LakeObject } from '../daily/lake-objects.ts';" });
    expect(rest).toEqual([]);
    expect(formatViolation(v!)).toBe(
      "functions/adapters/lake-listing.ts imports '../daily/lake-objects.ts' (functions/daily/lake-objects.ts): " +
        'breaks "adapters import only adapters, core and schemas"; functions/adapters sits below the function folders; ' +
        'move what both need into functions/core (pure) or functions/adapters (I/O)',
    );
  });

  const backEdges: Array<[string, string, string, string]> = [
    ['core → adapters', 'functions/core/rules.ts', "import { x } from '../adapters/log.ts';", 'core imports only core and schemas'],
    ['core → a function folder', 'functions/core/kks.ts', "import type { X } from '../daily/plan.ts';", 'core imports only core and schemas'],
    [
      'core → a cloud client',
      'functions/core/batch.ts',
      "import { Storage } from '@google-cloud/storage';",
      'core imports no cloud client, Pulumi, hono or node I/O',
    ],
    ['core → Pulumi', 'functions/core/batch.ts', "import * as pulumi from '@pulumi/pulumi';", 'core imports no cloud client, Pulumi, hono or node I/O'],
    ['core → hono', 'functions/core/panel-view.ts', "import { Hono } from 'hono';", 'core imports no cloud client, Pulumi, hono or node I/O'],
    ['core → node:fs', 'functions/core/rules.ts', "import { readFileSync } from 'node:fs';", 'core imports no cloud client, Pulumi, hono or node I/O'],
    ['core → fs/promises', 'functions/core/rules.ts', "import { readFile } from 'fs/promises';", 'core imports no cloud client, Pulumi, hono or node I/O'],
    ['core → node:http', 'functions/core/rules.ts', "const h = await import('node:http');", 'core imports no cloud client, Pulumi, hono or node I/O'],
    ['core → node:net', 'functions/core/rules.ts', "import { connect } from 'node:net';", 'core imports no cloud client, Pulumi, hono or node I/O'],
    ['schemas → core', 'schemas/rules.ts', "import { x } from '../functions/core/kks.ts';", 'schemas import nothing but schemas'],
    [
      'adapters → a function folder (type only)',
      'functions/adapters/lake-compaction.ts',
      "import type { Plan } from '../daily/plan.ts';",
      'adapters import only adapters, core and schemas',
    ],
    ['adapters → cli', 'functions/adapters/log.ts', "import { x } from '../../cli/progress.ts';", 'adapters import only adapters, core and schemas'],
    [
      'a function folder → another',
      'functions/sweep/sweep.ts',
      "import { commitSite } from '../detect/site-commit.ts';",
      'a function folder imports no other function folder',
    ],
    [
      'a function folder → infra',
      'functions/daily/run.ts',
      "import { x } from '../../infra/config.ts';",
      'functions import nothing above them (cli, local, infra, scripts, bench, test)',
    ],
    [
      'a function folder → local',
      'functions/land/land.ts',
      "export { x } from '../../local/repo-root.ts';",
      'functions import nothing above them (cli, local, infra, scripts, bench, test)',
    ],
    ['cli → local', 'cli/ops-commands.ts', "import { simulateDay } from '../local/plant/plant.ts';", 'only local, scripts, bench and test import local'],
    ['infra → cli', 'infra/index.ts', "import { x } from '../cli/query.ts';", 'infra imports no cli or local'],
    ['infra → local', 'infra/components/lake.ts', "import { repoRoot } from '../../local/repo-root.ts';", 'infra imports no cli or local'],
    ['cli → infra', 'cli/status.ts', "import { x } from '../infra/config.ts';", 'cli imports no infra'],
    ['local → scripts', 'local/demo.ts', "import './../scripts/start.ts';", 'only scripts, bench and test import scripts or bench'],
    ['bench → test', 'bench/core.bench.ts', "import { batch } from '../test/unit/core/helpers.ts';", 'nothing outside test imports test'],
  ];
  it.each(backEdges)('%s', (_what, from, text, rule) => {
    const violations = graph({ [from]: text });
    expect(violations.map((v) => v.rule)).toContain(rule);
    const line = formatViolation(violations.find((v) => v.rule === rule)!);
    expect(line).toContain(from);
    expect(line).toContain(importSpecifiers(text)[0]!);
    expect(line).toContain(rule);
  });

  it('has a case above for every rule', () => {
    expect(new Set(backEdges.map(([, , , rule]) => rule))).toEqual(new Set(RULES.map((r) => r.name)));
  });
});

describe('the rules allow the direction', () => {
  it('passes edges that point down, and peers inside one folder', () => {
    expect(
      graph({
        'functions/core/lake-paths.ts':
          "import { createHash } from 'node:crypto';\nimport { OBJECTS } from './resources.ts';\nimport { SITE_PATTERN } from '../../schemas/reading-batch.ts';\nimport { parse } from 'yaml';",
        'functions/adapters/lake-listing.ts':
          "import type { Bucket } from '@google-cloud/storage';\nimport { isDay } from '../core/lake-paths.ts';\nimport { isNotFound } from './storage-errors.ts';",
        'functions/sweep/sweep.ts': "import { commitSite } from '../adapters/site-commit.ts';\nimport { evaluate } from '../core/index.ts';",
        'functions/daily/run.ts': "import { planLoads } from './plan.ts';",
        'cli/ops-commands.ts': "import { Gateway } from './gateway.ts';\nimport { runDaily } from '../functions/daily/run.ts';",
        'infra/config.ts': "import { x } from '../functions/daily/settings.ts';",
        'local/demo.ts':
          "import { uploadConfigObject } from '../cli/config-objects.ts';\nimport { Gateway } from '../cli/gateway.ts';\nimport { x } from '../infra/views.ts';",
        'scripts/start.ts': "import { repoRoot } from '../local/repo-root.ts';",
        'bench/scale.bench.ts': "import { startEmulators } from '../local/emulators/stack.ts';",
        'test/unit/x.test.ts': "import { simulateDay } from '../../local/plant/plant.ts';\nimport { x } from '../../scripts/start.ts';",
      }),
    ).toEqual([]);
  });
});
