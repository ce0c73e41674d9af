// The repository's root folder, for the local tools, scripts, benches and tests that read its files
// (config/, sql/, gateway/, .cache/). Deployed code never needs it: a function's files travel with
// its bundle and are found relative to the module (import.meta.url).
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '..');
