// Benchmark of the core's hot path, as detect runs it: parse + validate + evaluate a batch.
//   npm run bench        (BENCH_BATCHES / BENCH_ITERATIONS override the size; BENCH_SCENARIO=scan or
//                         device runs one scenario, e.g. under node --cpu-prof)
// 1,000 tags scanned once a second, one batch per scan (1,000 readings, ~100 kB of JSON), 1,000
// batches = 1,000,000 readings, twice: every reading stamped with the scan time, and every reading
// with its own time (the harder case for time parsing). Rules cover every tag (exact, part globs,
// prefixes; limits, deadband, delays, ROC, STALE, STAT). The floor is JSON.parse alone over the same
// strings; the goal (issue 18) is that validation + evaluation cost at most half of that parse.
// Interleaved rounds after a warm-up, medians reported, never asserted. Each run is timed twice: by
// the wall clock and by the main thread's CPU time (process.threadCpuUsage), which a neighbour on a
// shared machine cannot inflate by taking the core away; both ratios are printed.
import { evaluate, emptyState, parseBatch, parseRules, type AlarmState } from '../functions/core/index.ts';

const TAGS = 1000;
const BATCHES = Number(process.env.BENCH_BATCHES ?? 1000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 7);
const SCENARIO = process.env.BENCH_SCENARIO;
const GOAL = 0.5;
const START = Date.parse('2024-05-01T00:00:00.000Z');

const SYSTEMS = ['LAB', 'LAC', 'LBA', 'MKA', 'PAB', 'HAD', 'LCA', 'QKA'];
const KINDS = [
  { letters: 'CP', unit: 'bar', base: 40, spread: 2 },
  { letters: 'CT', unit: 'degC', base: 250, spread: 5 },
  { letters: 'CF', unit: 't/h', base: 120, spread: 6 },
  { letters: 'CL', unit: 'mm', base: 800, spread: 20 },
];
const tags = Array.from({ length: TAGS }, (_, i) => {
  const kind = KINDS[i % KINDS.length]!;
  const system = SYSTEMS[Math.floor(i / KINDS.length) % SYSTEMS.length]!;
  const code = `10${system}${String(10 + (i % 9) * 10).padStart(2, '0')}${kind.letters}${String(i).padStart(3, '0')}`;
  return { code, ...kind };
});

// Every tag is covered: a few exact rules, part globs per measured quantity, prefixes per system.
const rulesText = `
version: bench-1
defaults: { deadband: 0.5, onDelay: 5, offDelay: 10, priority: medium }
rules:
${tags
  .slice(0, 100)
  .map(
    (t) =>
      `  - { tag: ${t.code}, limits: { HH: ${t.base + 6 * t.spread}, H: ${t.base + 4 * t.spread}, L: ${t.base - 4 * t.spread}, LL: ${t.base - 6 * t.spread} }, maxRateOfChange: ${t.spread}, staleTimeout: 60 }`,
  )
  .join('\n')}
${KINDS.map((k) => `  - { parts: { equipment: "${k.letters}*" }, limits: { H: ${k.base + 4 * k.spread}, L: ${k.base - 4 * k.spread} }, stat: { k: 5, warmup: 60 }, staleTimeout: 60 }`).join('\n')}
${SYSTEMS.map((s) => `  - { prefix: "10${s}", limits: { HH: 1e6 } }`).join('\n')}
`;
const compiled = parseRules(rulesText);
if (!compiled.ok) throw new Error(compiled.reason);
const rules = compiled.rules;

// Deterministic pseudo-random values: noise around the base, a few excursions now and then.
// `distinctTimes`: every reading carries its own millisecond (device-stamped) instead of the scan time.
function makeBodies(distinctTimes: boolean): { bodies: string[]; nows: Date[] } {
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const bodies: string[] = [];
  const nows: Date[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const scan = START + b * 1000;
    const excursion = b % 200 >= 150 && b % 200 < 170;
    const scanTs = new Date(scan).toISOString();
    const readings = tags.map((t, i) => ({
      tag: t.code,
      ts: distinctTimes ? new Date(scan + (i % 1000) * 0.9).toISOString() : scanTs,
      value: Math.round((t.base + (random() - 0.5) * t.spread + (excursion && i % 50 === 0 ? 5 * t.spread : 0)) * 1000) / 1000,
      quality: 'good',
      unit: t.unit,
    }));
    bodies.push(JSON.stringify({ batchId: `gw-01:${b}`, site: 'REF-01', source: 'gateway-01', sentAt: scanTs, readings }));
    nows.push(new Date(scan + 1500));
  }
  return { bodies, nows };
}

function parseOnly(bodies: readonly string[]): number {
  let n = 0;
  for (const body of bodies) n += (JSON.parse(body) as { readings: unknown[] }).readings.length;
  return n;
}

function pipeline(input: readonly (string | Uint8Array)[], nows: readonly Date[]): number {
  let state: AlarmState = emptyState();
  let events = 0;
  for (let b = 0; b < input.length; b++) {
    const parsed = parseBatch(input[b]!, nows[b]!);
    if (!parsed.ok) throw new Error(parsed.reason);
    const result = evaluate(state, parsed.batch, rules, nows[b]!);
    state = result.state;
    events += result.events.length;
  }
  return events;
}

/** parseBatch alone: the validation share of (b). */
function validateOnly(input: readonly string[], nows: readonly Date[]): number {
  let n = 0;
  for (let b = 0; b < input.length; b++) {
    const parsed = parseBatch(input[b]!, nows[b]!);
    if (!parsed.ok) throw new Error(parsed.reason);
    n += parsed.batch.readings.length;
  }
  return n;
}

const readingsTotal = BATCHES * TAGS;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const rate = (ms: number) => `${(((readingsTotal / ms) * 1000) / 1e6).toFixed(2).padStart(5)} M readings/s`;

function scenario(title: string, distinctTimes: boolean): void {
  const { bodies, nows } = makeBodies(distinctTimes);
  const bytes = bodies.map((b) => Buffer.from(b));
  const megabytes = bodies.reduce((n, b) => n + b.length, 0) / 1e6;
  console.log(`${title}: ${BATCHES} batches x ${TAGS} readings = ${readingsTotal} readings over ${TAGS} tags, ${megabytes.toFixed(1)} MB of JSON`);
  const runs = {
    parse: () => parseOnly(bodies),
    full: () => pipeline(bodies, nows),
    bytes: () => pipeline(bytes, nows),
    validate: () => validateOnly(bodies, nows),
  };
  for (const run of Object.values(runs)) run(); // warm-up: JIT, caches (KKS, rule resolution)
  // Interleaved, so a noisy neighbour slows all three alike; the ratio is taken per round.
  const times = { parse: [] as number[], full: [] as number[], bytes: [] as number[], validate: [] as number[] };
  const cpu = { parse: [] as number[], full: [] as number[], bytes: [] as number[], validate: [] as number[] };
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const validationRatios: number[] = [];
  let events = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    for (const [name, run] of Object.entries(runs) as Array<[keyof typeof runs, () => number]>) {
      const cpuStart = process.threadCpuUsage();
      const start = performance.now();
      const result = run();
      times[name].push(performance.now() - start);
      const used = process.threadCpuUsage(cpuStart);
      cpu[name].push((used.user + used.system) / 1000);
      if (name === 'full') events = result;
    }
    ratios.push((times.full[i]! - times.parse[i]!) / times.parse[i]!);
    cpuRatios.push((cpu.full[i]! - cpu.parse[i]!) / cpu.parse[i]!);
    validationRatios.push((cpu.validate[i]! - cpu.parse[i]!) / cpu.parse[i]!);
  }
  const [a, b, c] = [median(times.parse), median(times.full), median(times.bytes)];
  const cpuOf = (name: keyof typeof cpu) => `${median(cpu[name]).toFixed(0).padStart(5)} ms CPU`;
  console.log(`  (a) JSON.parse only                              ${a.toFixed(0).padStart(5)} ms  ${rate(a)}  ${cpuOf('parse')}`);
  console.log(`  (b) parseBatch(string) + evaluate                ${b.toFixed(0).padStart(5)} ms  ${rate(b)}  ${cpuOf('full')}`);
  console.log(`  (c) parseBatch(bytes, UTF-8 decode) + evaluate   ${c.toFixed(0).padStart(5)} ms  ${rate(c)}  ${cpuOf('bytes')}`);
  console.log(`  alarm events per run: ${events}`);
  const list = (values: number[]) => values.map((r) => r.toFixed(2)).join(' ');
  console.log(`  validation+evaluation cost / JSON.parse cost (median over rounds of (b-a)/a; goal <= ${GOAL}):`);
  console.log(`    wall clock ${median(ratios).toFixed(2)}  (rounds: ${list(ratios)})`);
  console.log(`    CPU time   ${median(cpuRatios).toFixed(2)}  (rounds: ${list(cpuRatios)})`);
  // Where (b) goes: parseBatch alone (d) is the validation; the rest of (b) is the evaluation.
  const validation = median(validationRatios);
  console.log(
    `  (d) parseBatch(string) only ${median(cpu.validate).toFixed(0)} ms CPU: validation ${validation.toFixed(2)}, evaluation ${(median(cpuRatios) - validation).toFixed(2)} of the JSON.parse cost (CPU)`,
  );
  const memory = process.memoryUsage();
  console.log(
    `  memory: rss ${(memory.rss / 1e6).toFixed(0)} MB, heapUsed ${(memory.heapUsed / 1e6).toFixed(0)} MB, heapTotal ${(memory.heapTotal / 1e6).toFixed(0)} MB (with ${(2 * megabytes).toFixed(0)} MB of input as strings and bytes)`,
  );
}

console.log(`node ${process.version}, median of ${ITERATIONS} interleaved rounds after one warm-up`);
if (SCENARIO !== 'device') scenario('scan-stamped (one ts per batch)', false);
if (SCENARIO !== 'scan') scenario('device-stamped (a distinct ts per reading)', true);
