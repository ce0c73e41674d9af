// A pruned package-lock.json for one function bundle: exactly the root lock's entries that the
// bundle's dependencies need (found as Node resolves them: the nearest node_modules upwards), so
// Cloud Build's `npm ci` installs the versions the tests ran against, not whatever the ranges in
// the packages allow on deploy day. Pure: root lock in, bundle lock out.

export interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { optional?: boolean }>>;
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly optional?: boolean;
  readonly peer?: boolean;
  readonly link?: boolean;
  readonly [key: string]: unknown;
}

export interface PackageLock {
  readonly name?: string;
  readonly version?: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** Where Node finds `dep` from the package installed at `from` ('' is the root). */
export function resolveFrom(packages: PackageLock['packages'], from: string, dep: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${dep}` : `${base}/node_modules/${dep}`;
    if (packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    // Up one node_modules level: a/node_modules/b → a; node_modules/a → ''.
    const at = base.lastIndexOf('/node_modules/');
    base = at === -1 ? '' : base.slice(0, at);
  }
}

export function pruneLock(root: PackageLock, bundle: { name: string; version: string; dependencies: Readonly<Record<string, string>> }): PackageLock {
  if (root.lockfileVersion < 2)
    throw new Error(`package-lock.json has lockfileVersion ${root.lockfileVersion}; run npm install with npm 7 or later to upgrade it`);
  const packages: Record<string, LockEntry> = {
    '': { name: bundle.name, version: bundle.version, dependencies: { ...bundle.dependencies } },
  };
  const queue: [from: string, dep: string, optional: boolean][] = Object.keys(bundle.dependencies).map((d) => ['', d, false]);
  while (queue.length > 0) {
    const [from, dep, optional] = queue.shift()!;
    const path = resolveFrom(root.packages, from, dep);
    if (path === undefined) {
      // Optional (often platform-specific) packages may be absent from the lock; a required one may not.
      if (optional) continue;
      throw new Error(`package-lock.json has no ${dep} for ${from || 'the bundle'}; run npm install and build again`);
    }
    if (packages[path] !== undefined) continue;
    const entry = root.packages[path]!;
    // dev/peer flags describe the root project's view; in the bundle every package is production.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    packages[path] = kept;
    for (const d of Object.keys(entry.dependencies ?? {})) queue.push([path, d, false]);
    for (const d of Object.keys(entry.optionalDependencies ?? {})) queue.push([path, d, true]);
    for (const d of Object.keys(entry.peerDependencies ?? {})) queue.push([path, d, entry.peerDependenciesMeta?.[d]?.optional === true]);
  }
  const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
  return { name: bundle.name, version: bundle.version, lockfileVersion: 3, requires: true, packages: sorted };
}
