// The README's Layout tree is how a newcomer finds a behaviour in one hop, so it must not go
// stale: every path it names exists, every behaviour the project promises to point at is on it,
// and every function folder has the README (whose file table names real files) the tree leads to.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function layoutTree(): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Layout\n'));
  if (section === undefined) throw new Error('README.md has no "## Layout" section');
  const block = /```\n([\s\S]*?)```/.exec(section);
  if (block === null) throw new Error('the Layout section has no tree (a ``` block)');
  return block[1]!.split('\n').filter((line) => line.trim() !== '');
}

/** "label ........ path (note), path" → the first path. */
function pathOf(line: string): string | undefined {
  return /\.{3,} (\S+)/.exec(line)?.[1];
}

/** Every path after the dots: the first, and any other word with a slash. */
function pathsOf(line: string): string[] {
  const first = pathOf(line);
  if (first === undefined) return [];
  const rest = line.slice(line.indexOf(first) + first.length);
  return [first, ...[...rest.matchAll(/[\w.-]+\/[\w./-]*/g)].map((m) => m[0])];
}

// The behaviours issue 14 asks the tree to lead to, each by the words the tree uses.
const BEHAVIOURS = [
  'deadband',
  'quarantine decision',
  'replace SQL',
  'Coldline move',
  'KKS parser',
  'STALE sweep',
  'live snapshot merge',
  'notify ledger',
  'daily lease',
  'Telegraf decoder',
  'cost model',
];

describe("README's Layout tree", () => {
  const lines = layoutTree();

  it('gives every line a path, and every path exists (a folder when it ends in /)', () => {
    const broken = lines.flatMap((line) => {
      const paths = pathsOf(line);
      if (paths.length === 0) return [`no "..... path" on: ${line}`];
      return paths.flatMap((path) => {
        const full = join(root, path);
        if (!existsSync(full)) return [`${path} does not exist`];
        if (path.endsWith('/') !== statSync(full).isDirectory()) return [`${path}: a folder must end in /, a file must not`];
        return [];
      });
    });
    expect(broken).toEqual([]);
  });

  it.each(BEHAVIOURS)('leads to the %s', (behaviour) => {
    const line = lines.find((l) => l.toLowerCase().includes(behaviour.toLowerCase()));
    expect(line, `no line of the tree names "${behaviour}"`).toBeDefined();
    expect(pathOf(line!)).toMatch(/\.(ts|go)$/);
  });
});

describe('function folder READMEs', () => {
  const folders = readdirSync(join(root, 'functions'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);

  it('exist for every folder of functions/', () => {
    expect(folders.length).toBeGreaterThan(5);
    expect(folders.filter((f) => !existsSync(join(root, 'functions', f, 'README.md')))).toEqual([]);
  });

  it.each(folders)('functions/%s/README.md names only files of its folder in its file table', (folder) => {
    const text = readFileSync(join(root, 'functions', folder, 'README.md'), 'utf8');
    const named = text
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([\w.-]+\.ts)`/g)].map((m) => m[1]!));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((file) => !existsSync(join(root, 'functions', folder, file)))).toEqual([]);
  });
});
