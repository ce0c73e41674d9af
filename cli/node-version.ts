// plantlake targets Node 24 and its packages need Node 22 or later. npm scripts run on the Node 24
// that `npm ci` installs into node_modules/.bin; this check catches a command started another way.
export const MIN_NODE_MAJOR = 22;

export function assertNodeVersion(version: string = process.version): void {
  const major = Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
  if (major < MIN_NODE_MAJOR) {
    throw new Error(
      `plantlake needs Node ${MIN_NODE_MAJOR} or later and is running on ${version}. ` +
        'Run it through npm (npm test, npm start, npx plantlake …), which uses the Node 24 that ' +
        '`npm ci` installs into node_modules/.bin; run `npm ci` first if node_modules is missing.',
    );
  }
}
