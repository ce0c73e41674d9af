// `npm run build`: one deployable folder per function, dist/functions/<name>/ with index.js and
// package.json, what Cloud Run functions (runtime nodejs24) builds from a source archive.
//
// Our code (the function, its adapters, the core, the schemas) is bundled by esbuild into one ES
// module; npm packages stay external and are listed in the folder's package.json with the exact
// versions of package-lock.json, and a package-lock.json pruned from the root one
// (scripts/bundle-lock.ts), so Cloud Build installs exactly what the tests ran against. External on
// purpose: the Functions Framework that Cloud Run starts must be the same module instance the
// bundle registers its function with (a bundled copy would have its own, empty registry), and the
// Google client libraries load their protos and package.json from disk at run time.
// Builds whatever functions/<name>/index.ts exist for the names in resources.ts FUNCTIONS.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { CLIENT_PACKAGES } from '../functions/adapters/clients.ts';
import { FUNCTIONS } from '../functions/core/resources.ts';
import { assertNodeVersion } from '../cli/node-version.ts';
import { pruneLock, type PackageLock } from './bundle-lock.ts';

const root = resolve(import.meta.dirname, '..');

export interface BuiltFunction {
  readonly name: string;
  /** Absolute folder with index.js and package.json. */
  readonly dir: string;
  readonly bytes: number;
  readonly dependencies: Readonly<Record<string, string>>;
}

export interface BuildOptions {
  /** Default dist/functions. */
  readonly outDir?: string;
  /** Default: every function that has an entry file. */
  readonly only?: readonly string[];
}

const FRAMEWORK = '@google-cloud/functions-framework';

export async function buildFunctions(options: BuildOptions = {}): Promise<BuiltFunction[]> {
  const outDir = resolve(root, options.outDir ?? join('dist', 'functions'));
  const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies?: Record<string, string> };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as PackageLock;
  const names = FUNCTIONS.filter((fn) => existsSync(join(root, 'functions', fn, 'index.ts')) && (!options.only || options.only.includes(fn)));
  if (options.only) {
    const missing = options.only.filter((fn) => !names.includes(fn as (typeof FUNCTIONS)[number]));
    if (missing.length > 0) throw new Error(`no entry file functions/<name>/index.ts for ${missing.join(', ')}; known functions: ${FUNCTIONS.join(', ')}`);
  }

  const built: BuiltFunction[] = [];
  for (const name of names) {
    const dir = join(outDir, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const outfile = join(dir, 'index.js');
    const result = await build({
      entryPoints: [join(root, 'functions', name, 'index.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      packages: 'external',
      sourcemap: 'linked',
      metafile: true,
      legalComments: 'none',
      logLevel: 'warning',
      banner: { js: `// plantlake function "${name}", bundled by scripts/build-functions.ts from functions/${name}/index.ts. Do not edit.` },
    });
    const output = result.metafile.outputs[relative(process.cwd(), outfile)] ?? Object.values(result.metafile.outputs).find((o) => o.entryPoint);
    // The client libraries are loaded lazily (clients.ts), so esbuild does not see them imported.
    const packages = new Set<string>([FRAMEWORK, ...CLIENT_PACKAGES]);
    for (const imported of output?.imports ?? []) {
      if (!imported.external || imported.path.startsWith('node:') || builtinModules.includes(imported.path)) continue;
      packages.add(packageName(imported.path));
    }
    const dependencies: Record<string, string> = {};
    for (const pkg of [...packages].sort()) {
      const version = lock.packages[`node_modules/${pkg}`]?.version;
      if (!version) throw new Error(`functions/${name} imports ${pkg}, which package-lock.json does not have; run \`npm install ${pkg}\` and build again`);
      if (!rootPackage.dependencies?.[pkg]) {
        throw new Error(
          `functions/${name} imports ${pkg}, which package.json lists only as a devDependency (or not at all); move it to "dependencies", since deployed functions install only those`,
        );
      }
      dependencies[pkg] = version;
    }
    const manifest = {
      name: `plantlake-${name}`,
      version: rootPackage.version,
      private: true,
      description: `plantlake ${name} function (built; see the repository's functions/${name})`,
      type: 'module',
      main: 'index.js',
      engines: { node: '>=22' },
      scripts: { start: `functions-framework --target=${name}` },
      dependencies,
    };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // Cloud Build runs `npm ci` when a lock is present: the transitive versions are pinned too.
    const bundleLock = pruneLock(lock, { name: manifest.name, version: manifest.version, dependencies });
    writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(bundleLock, null, 2)}\n`);
    built.push({ name, dir, bytes: statSync(outfile).size, dependencies });
  }
  return built;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

if (import.meta.main) {
  try {
    assertNodeVersion();
    const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
    const started = performance.now();
    const built = await buildFunctions(only.length > 0 ? { only } : {});
    for (const fn of built) {
      console.log(
        `${relative(root, fn.dir)}/index.js  ${(fn.bytes / 1024).toFixed(1)} KiB  deps: ${Object.entries(fn.dependencies)
          .map(([k, v]) => `${k}@${v}`)
          .join(', ')}`,
      );
    }
    console.log(`Built ${built.length} function(s) in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
