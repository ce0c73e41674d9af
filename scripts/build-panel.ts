// `npm run build` (after the functions): the panel as Cloud Run runs it without a build step
// (source deploy on the nodejs24 base image, `node index.js`): dist/functions/panel/index.js, one
// ES module with every package bundled (nothing is installed at deploy), and
// dist/functions/panel.tar.gz, the archive infra/components/panel.ts uploads.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { assertNodeVersion } from '../cli/node-version.ts';

const root = resolve(import.meta.dirname, '..');

export async function buildPanel(outDir = join(root, 'dist', 'functions')): Promise<{ dir: string; archive: string; bytes: number }> {
  const dir = join(outDir, 'panel');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(root, 'functions', 'panel', 'index.ts')],
    outfile: join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    legalComments: 'none',
    logLevel: 'warning',
    // Bundled CommonJS packages still call require() for Node built-ins.
    banner: {
      js: `// plantlake panel, bundled by scripts/build-panel.ts from functions/panel/index.ts. Do not edit.\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);`,
    },
  });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'plantlake-panel', private: true, type: 'module', main: 'index.js', engines: { node: '>=24' } }, null, 2)}\n`,
  );
  const archive = join(outDir, 'panel.tar.gz');
  execFileSync('tar', ['-czf', archive, '-C', dir, '.']);
  return { dir, archive, bytes: statSync(archive).size };
}

if (import.meta.main) {
  try {
    assertNodeVersion();
    const built = await buildPanel();
    console.log(`dist/functions/panel.tar.gz  ${(built.bytes / 1024).toFixed(0)} KiB (the panel, every package bundled)`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
