// Benchmark of one site-day's compaction on fake-gcs-server (a stack of its own), the two designs
// on the same kind of objects in the same run: the earlier read-and-rewrite (mark each source,
// stream every source through this process into one gzip object, check, delete) and the current
// server-side compose with a manifest (functions/daily/compose-compaction.ts). Prints objects per
// second of each and the ratio. On Google Cloud compose is server-side too; what the emulator
// cannot show is request latency (README, "How the daily run grows"), so the time model states it.
//   npm run bench:compaction   (BENCH_COMPACTION_OBJECTS 2000, BENCH_COMPACTION_LINES 100 per object)
// Figures are printed, never asserted.
import { EventEmitter } from 'node:events';
import { gzipSync } from 'node:zlib';
import { gcsRawZone } from '../functions/adapters/gcs-raw-zone.ts';
import { createClients } from '../functions/adapters/clients.ts';
import { deleteObjects, markSources, storedHash, writeCompacted } from '../functions/adapters/lake-compaction.ts';
import { compactByCompose } from '../functions/daily/compose-compaction.ts';
import { listZoneDay } from '../functions/daily/day-listing.ts';
import { COMPACTION_META } from '../functions/core/lake-paths.ts';
import { compactionGroups } from '../functions/daily/plan.ts';
import { startEmulators } from '../local/emulators/stack.ts';
import { assertNodeVersion } from '../cli/node-version.ts';

const OBJECTS = Number(process.env.BENCH_COMPACTION_OBJECTS ?? 2000);
const LINES = Number(process.env.BENCH_COMPACTION_LINES ?? 100);

assertNodeVersion();
EventEmitter.defaultMaxListeners = 64; // as scripts/start.ts: download streams under load, not a leak
const stack = await startEmulators();
try {
  const clients = createClients({ kind: 'emulators', projectId: stack.projectId, ...stack.endpoints });
  const name = `bench-${Date.now().toString(36)}-raw`;
  await clients.storage.createBucket(name);
  const bucket = clients.storage.bucket(name);
  const zone = gcsRawZone(bucket);
  const seed = async (day: string) => {
    let i = 0;
    const worker = async () => {
      while (i < OBJECTS) {
        const n = i++;
        const text = Array.from({ length: LINES }, (_, k) => JSON.stringify({ site: 'A', tag: `T${k}`, ts: `${day}T00:00:00Z`, value: n * LINES + k })).join(
          '\n',
        );
        await zone.createOnce(`readings/dt=${day}/site=A/b${String(n).padStart(6, '0')}.ndjson.gz`, gzipSync(`${text}\n`), {
          contentType: 'application/x-ndjson',
          contentEncoding: 'gzip',
        });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const { objects } = await listZoneDay(zone, day);
    return compactionGroups(objects, 1 << 30)[0]!;
  };
  console.log(`node ${process.version}; one site-day of ${OBJECTS.toLocaleString('en')} objects × ${LINES} lines, each design on its own day folder`);

  const before = await seed('2024-05-01');
  const r0 = performance.now();
  const sources = before.sources.map((o) => o.name);
  await markSources(bucket, sources, before.target);
  const written = await writeCompacted(
    bucket,
    before.target,
    sources.map((n) => bucket.file(n)),
    {
      [COMPACTION_META.sourcesSum]: before.sourcesSum,
      [COMPACTION_META.sourcesCount]: String(before.sourcesCount),
    },
  );
  const stored = await storedHash(bucket, before.target);
  if (stored.md5Hash !== written.md5Base64) throw new Error('read-and-rewrite target did not verify');
  await deleteObjects(bucket, sources);
  const rewriteMs = performance.now() - r0;

  const now = await seed('2024-05-02');
  const c0 = performance.now();
  await compactByCompose(zone, now);
  const composeMs = performance.now() - c0;

  const rate = (ms: number) => Math.round(OBJECTS / (ms / 1000)).toLocaleString('en');
  console.log(`read-and-rewrite (baseline): ${(rewriteMs / 1000).toFixed(2)} s, ${rate(rewriteMs)} objects/s (mark, read each, gzip, write, delete)`);
  console.log(
    `compose + manifest:          ${(composeMs / 1000).toFixed(2)} s, ${rate(composeMs)} objects/s (${Math.ceil(OBJECTS / 31)} compose requests, nothing read)`,
  );
  console.log(`ratio compose / read-and-rewrite: ${(composeMs / rewriteMs).toFixed(2)} ×`);
} finally {
  await stack.stop();
}
