// `npm run build:telegraf`: builds the gateway (Telegraf with plantlake's plugins) now; the gateway
// tests and `npm start -- --gateway telegraf` otherwise build it on first use. --force rebuilds.
import { buildTelegraf, telegrafBinary } from '../local/gateway/telegraf-build.ts';

try {
  const result = await buildTelegraf({ force: process.argv.includes('--force') });
  console.log(
    result.built
      ? `Built ${telegrafBinary} in ${result.seconds.toFixed(1)} s (${result.packagesCompiled} packages compiled).`
      : `${telegrafBinary} is current; nothing to build.`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
