// Each function bundle ships a package-lock.json pruned from the root lock, so Cloud Build's
// `npm ci` installs exactly the versions the tests ran against. Checked on the real bundles of
// `npm run build` and by npm itself (`npm ls --package-lock-only` reads a lock against its
// package.json without installing anything).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../../local/repo-root.ts';
import { buildFunctions, type BuiltFunction } from '../../../scripts/build-functions.ts';
import { pruneLock, resolveFrom, type PackageLock } from '../../../scripts/bundle-lock.ts';

const rootLock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as PackageLock;

describe('pruneLock', () => {
  const lock: PackageLock = {
    lockfileVersion: 3,
    packages: {
      '': { name: 'root' },
      'node_modules/a': { version: '1.0.0', integrity: 'sha512-a', dependencies: { b: '^1', c: '^2' }, optionalDependencies: { 'fsevents-x': '*' } },
      'node_modules/b': { version: '1.2.0', integrity: 'sha512-b', dev: true },
      'node_modules/a/node_modules/c': { version: '2.0.0', integrity: 'sha512-c2' },
      'node_modules/c': { version: '3.0.0', integrity: 'sha512-c3' },
      'node_modules/unused': { version: '9.9.9' },
    },
  };

  it('resolves as Node does: nearest node_modules first, then upwards', () => {
    expect(resolveFrom(lock.packages, 'node_modules/a', 'c')).toBe('node_modules/a/node_modules/c');
    expect(resolveFrom(lock.packages, 'node_modules/a', 'b')).toBe('node_modules/b');
    expect(resolveFrom(lock.packages, '', 'c')).toBe('node_modules/c');
    expect(resolveFrom(lock.packages, '', 'nope')).toBeUndefined();
  });

  it('keeps exactly the closure, drops dev flags, skips absent optional packages', () => {
    const pruned = pruneLock(lock, { name: 'fn', version: '0.1.0', dependencies: { a: '1.0.0' } });
    expect(Object.keys(pruned.packages)).toEqual(['', 'node_modules/a', 'node_modules/a/node_modules/c', 'node_modules/b']);
    expect(pruned.packages['']).toEqual({ name: 'fn', version: '0.1.0', dependencies: { a: '1.0.0' } });
    expect(pruned.packages['node_modules/b']).toEqual({ version: '1.2.0', integrity: 'sha512-b' });
    expect(pruned.lockfileVersion).toBe(3);
  });

  it('refuses a lock that lacks a required package, naming it', () => {
    expect(() => pruneLock(lock, { name: 'fn', version: '0.1.0', dependencies: { zed: '1.0.0' } })).toThrow(
      /package-lock.json has no zed for the bundle; run npm install/,
    );
  });
});

describe('the built bundles', () => {
  const outDir = join(repoRoot, '.cache', `test-dist-lock-${process.pid}`);
  let bundles: BuiltFunction[];
  beforeAll(async () => {
    bundles = await buildFunctions({ outDir });
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('each ships a lock whose every entry is the root lock entry, pinning its dependencies', () => {
    expect(bundles.map((b) => b.name).sort()).toEqual(['daily', 'detect', 'land', 'notify', 'sweep']);
    for (const b of bundles) {
      const lock = JSON.parse(readFileSync(join(b.dir, 'package-lock.json'), 'utf8')) as PackageLock;
      const manifest = JSON.parse(readFileSync(join(b.dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      expect(lock.packages['']?.dependencies).toEqual(manifest.dependencies);
      for (const [pkg, version] of Object.entries(manifest.dependencies)) {
        expect(lock.packages[`node_modules/${pkg}`]?.version, `${b.name}: ${pkg}`).toBe(version);
      }
      const paths = Object.keys(lock.packages).filter((p) => p !== '');
      expect(paths.length).toBeGreaterThan(Object.keys(manifest.dependencies).length);
      for (const path of paths) {
        const { dev: _d, devOptional: _o, peer: _p, ...expected } = rootLock.packages[path] ?? {};
        expect(lock.packages[path], `${b.name}: ${path}`).toEqual(expected);
        expect(lock.packages[path]?.integrity ?? lock.packages[path]?.link, `${b.name}: ${path} has an integrity hash`).toBeTruthy();
      }
      // No test-only package reaches a deployed function.
      expect(paths.some((p) => /node_modules\/(vitest|typescript|esbuild|@pulumi\/pulumi)$/.test(p))).toBe(false);
    }
  });

  // One npm process per bundle: seconds each on a loaded machine, past the unit default of 5 s.
  it('npm accepts each lock as complete for its package.json', { timeout: 60_000 }, () => {
    for (const b of bundles) {
      // Throws (non-zero exit) on a missing or mismatching entry.
      const out = execFileSync('npm', ['ls', '--package-lock-only', '--all', '--json'], { cwd: b.dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      const tree = JSON.parse(out) as { dependencies?: Record<string, { version: string; missing?: boolean; invalid?: boolean }>; problems?: string[] };
      expect(tree.problems ?? [], b.name).toEqual([]);
      expect(Object.keys(tree.dependencies ?? {}).sort()).toEqual(Object.keys(b.dependencies).sort());
    }
  });
});
