// Files the program reads from the repository at deploy time: the built function folders and
// the optional rules / tag catalog files. Plain Node, no Pulumi, so it is tested directly.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export class MissingBuildError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingBuildError';
  }
}

export interface FunctionSource {
  /** Absolute folder to zip. */
  readonly dir: string;
  /** Content hash of the folder (16 hex digits): a new hash uploads a new object and redeploys. */
  readonly hash: string;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/**
 * The built folder of one function (`<distDir>/<name>/` with index.js, package.json and its
 * pruned package-lock.json, as
 * `npm run build` writes it). A missing build is an error: deploying without code is never right.
 */
export function functionSource(distDir: string, name: string, setKey: string): FunctionSource {
  const dir = resolve(distDir, name);
  for (const file of ['index.js', 'package.json', 'package-lock.json']) {
    if (!existsSync(join(dir, file))) {
      throw new MissingBuildError(
        `Function source ${join(distDir, name, file)} is missing: run \`npm run build\` before \`pulumi up\` ` +
          `(or point ${setKey} at the folder holding the built functions).`,
      );
    }
  }
  const hash = createHash('sha256');
  for (const file of filesUnder(dir).sort()) {
    hash.update(relative(dir, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return { dir, hash: hash.digest('hex').slice(0, 16) };
}

/** A repository file to upload when present; undefined (and a note) when it is not there yet. */
export function optionalFile(path: string): string | undefined {
  const abs = resolve(path);
  return existsSync(abs) && statSync(abs).isFile() ? abs : undefined;
}
