// Benchmark: what a hostile 10 MB message body costs land and detect (memory and CPU), against
// JSON.parse of the same body measured in the same run.
//   npm run bench:hostile        (BENCH_HOSTILE_MB overrides the body size, default 9.9 MB)
// Bodies (each just under Pub/Sub's 10 MB limit):
//   tiny-invalid   ~1.1 M readings `{"tag":1}`: over the reading limit, rejected on its count
//   all-invalid    50,000 readings, every field wrong plus an unknown one (the schema path)
//   semantic       50,000 well-formed readings with bad KKS codes and year-0000 times
//   wide           one object with ~600,000 unknown fields
// Each figure comes from a fresh child process, so peak RSS (getrusage maxRSS) is that step's own:
//   json.parse     JSON.parse of the body (the baseline)
//   validate       parseBatch (core): bytes → problems
//   land           the land handler on a push event, quarantine record written to the emulator
//   detect         the detect handler on the same event
// Prints peak RSS growth, heap growth and CPU time per step and their ratio to JSON.parse; asserts nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

type Step = 'json.parse' | 'validate' | 'land' | 'detect';
const STEPS: readonly Step[] = ['json.parse', 'validate', 'land', 'detect'];
interface Figures {
  rssMB: number;
  heapMB: number;
  cpuMs: number;
  outcome: string;
}

const self = fileURLToPath(import.meta.url);

if (process.argv[2] === '--child') {
  const [, , , step, file, endpointsJson] = process.argv as [string, string, string, Step, string, string];
  console.log(JSON.stringify(await child(step, file, JSON.parse(endpointsJson))));
} else {
  await parent();
}

async function child(
  step: Step,
  file: string,
  endpoints: { projectId: string; pubsub: string; storage: string; bigquery: string; bucket: string },
): Promise<Figures> {
  const { createClients } = await import('../functions/adapters/clients.ts');
  const { createLogger } = await import('../functions/adapters/log.ts');
  const { parseBatch } = await import('../functions/core/index.ts');
  const { createLand } = await import('../functions/land/land.ts');
  const { createDetect } = await import('../functions/detect/detect.ts');
  const body = readFileSync(file);
  const clients = createClients({ kind: 'emulators', ...endpoints });
  const outcomes: string[] = [];
  const log = createLogger({ function: step }, (line) => outcomes.push(String((JSON.parse(line) as { outcome?: unknown }).outcome)));
  const land = createLand({ storage: clients.storage, rawBucket: endpoints.bucket, log });
  const detect = createDetect({
    storage: clients.storage,
    pubsub: clients.pubsub,
    rawBucket: endpoints.bucket,
    configBucket: endpoints.bucket,
    alertsTopic: 'alerts',
    log,
    rulesCheckEveryMs: 10_000,
  });
  const event = (data: Buffer, id: string) => ({
    data: { message: { data: data.toString('base64'), messageId: id, publishTime: new Date().toISOString() }, subscription: 'projects/p/subscriptions/bench' },
  });
  // Warm up each path on a small invalid body (compiles the validators, opens connections).
  const small = Buffer.from('{"batchId":"w","site":"S","source":"s","sentAt":"2024-01-01T00:00:00Z","readings":[{"tag":1}]}');
  parseBatch(small, new Date());
  JSON.parse(small.toString('utf8'));
  if (step === 'land') await land(event(small, `warm-${process.pid}`));
  if (step === 'detect') await detect(event(small, `warm-${process.pid}`));
  const run: Record<Step, () => Promise<string>> = {
    'json.parse': async () => (JSON.parse(body.toString('utf8')) === null ? 'null' : 'parsed'),
    validate: async () => {
      const r = parseBatch(body, new Date());
      return r.ok ? 'valid' : `${r.problems.length} problems listed${r.stopped ? ', checking stopped' : ''}`;
    },
    land: async () => (await land(event(body, `hostile-${process.pid}`)), outcomes.at(-1)!),
    detect: async () => (await detect(event(body, `hostile-${process.pid}`)), outcomes.at(-1)!),
  };
  const ev = step === 'land' || step === 'detect' ? event(body, 'x') : undefined; // the push body the framework holds
  globalThis.gc?.();
  const rss0 = process.resourceUsage().maxRSS;
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const outcome = await run[step]();
  const cpu = process.cpuUsage(cpu0);
  const heap1 = process.memoryUsage().heapUsed;
  const rss1 = process.resourceUsage().maxRSS;
  void ev;
  await clients.pubsub.close();
  return { rssMB: (rss1 - rss0) / 1024, heapMB: Math.max(0, heap1 - heap0) / 2 ** 20, cpuMs: (cpu.user + cpu.system) / 1000, outcome };
}

function bodies(targetBytes: number): Record<string, string> {
  const head = '{"batchId":"hostile","site":"REF-X","source":"buggy-exporter","sentAt":"2024-05-01T12:00:00Z","readings":[';
  const fill = (item: (i: number) => string, max = Infinity) => {
    const parts: string[] = [];
    let size = head.length + 2;
    for (let i = 0; i < max && size < targetBytes - 200; i++) {
      const s = item(i);
      parts.push(s);
      size += s.length + 1;
    }
    return `${head}${parts.join(',')}]}`;
  };
  // 50,000 readings fill 10 MB only with padding: long strings where the schema allows them,
  // JSON whitespace elsewhere (a pretty-printing exporter sends as much).
  const per = Math.floor(targetBytes / 50_000) - 2;
  const padded = (text: string) => `${text.slice(0, -1)}${' '.repeat(Math.max(0, per - text.length))}}`;
  const all = (i: number) => padded(`{"tag":"not a tag ${i}","ts":"yesterday at ${i}","value":"high","quality":"fine","note":${i}}`);
  const sem = (i: number) => padded(`{"tag":"X${i}","ts":"0000-01-01T00:00:00+00:01","value":${i},"quality":"good","unit":"${'u'.repeat(32)}"}`);
  const wideParts: string[] = [];
  for (let i = 0, size = 2; size < targetBytes - 20; i++) {
    const s = `"f${i}":${i}`;
    wideParts.push(s);
    size += s.length + 1;
  }
  return {
    'tiny-invalid': fill(() => '{"tag":1}'),
    'all-invalid': fill(all, 50_000),
    semantic: fill(sem, 50_000),
    wide: `{${wideParts.join(',')}}`,
  };
}

async function parent(): Promise<void> {
  const { createClients } = await import('../functions/adapters/clients.ts');
  const { startEmulators } = await import('../local/emulators/stack.ts');
  const mb = Number(process.env.BENCH_HOSTILE_MB ?? 9.9);
  const stack = await startEmulators();
  const dir = mkdtempSync(join(tmpdir(), 'plantlake-hostile-'));
  try {
    const e = stack.endpoints;
    const clients = createClients({ kind: 'emulators', projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery });
    const bucket = 'bench-hostile-raw';
    await clients.storage.createBucket(bucket);
    const endpoints = JSON.stringify({ projectId: stack.projectId, pubsub: e.pubsub, storage: e.storage, bigquery: e.bigquery, bucket });
    console.log(`node ${process.version}; hostile bodies of ${mb} MB; each figure from a fresh process (peak RSS growth, heap growth, CPU)`);
    for (const [name, text] of Object.entries(bodies(mb * 1e6))) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, text);
      console.log(`\n${name}: ${(Buffer.byteLength(text) / 1e6).toFixed(2)} MB`);
      let base: Figures | undefined;
      for (const step of STEPS) {
        const out = execFileSync(process.execPath, ['--expose-gc', self, '--child', step, file, endpoints], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const f = JSON.parse(out.trim().split('\n').at(-1)!) as Figures;
        base ??= f;
        const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : '-');
        console.log(
          `  ${step.padEnd(11)} peak RSS +${f.rssMB.toFixed(1).padStart(6)} MB (${ratio(f.rssMB, base.rssMB).padStart(6)})  ` +
            `heap +${f.heapMB.toFixed(1).padStart(6)} MB  CPU ${f.cpuMs.toFixed(0).padStart(5)} ms (${ratio(f.cpuMs, base.cpuMs).padStart(6)})  ${f.outcome}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await stack.stop();
  }
}
