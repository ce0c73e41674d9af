// The panel's deployable archive (`npm run build` → <functionsDistDir>/panel.tar.gz, see
// scripts/build-panel.ts): checked before the first resource is declared, hashed so a new build
// is a new object and a new Cloud Run revision.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MissingBuildError } from './sources.ts';

export interface PanelSource {
  readonly file: string;
  /** 16 hex digits of the archive's sha256. */
  readonly hash: string;
}

export function panelSource(distDir: string, setKey: string): PanelSource {
  const file = resolve(distDir, 'panel.tar.gz');
  if (!existsSync(file)) {
    throw new MissingBuildError(
      `Panel archive ${join(distDir, 'panel.tar.gz')} is missing: run \`npm run build\` before \`pulumi up\` (or point ${setKey} at the folder holding the build).`,
    );
  }
  return { file, hash: createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16) };
}
