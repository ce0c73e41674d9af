// `npm run build:emulators`: builds the Go emulator stack now (tests and `npm start` otherwise
// build it on first use) and reports how long it took. --force rebuilds a current binary.
import { buildEmulators, binaryPath } from '../local/emulators/build.ts';

const force = process.argv.includes('--force');
try {
  const result = await buildEmulators({ force });
  console.log(
    result.built
      ? `Built ${binaryPath} in ${result.seconds.toFixed(1)} s (${result.packagesCompiled} packages compiled).`
      : `${binaryPath} is current; nothing to build.`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
