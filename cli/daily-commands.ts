// The daily-job commands of the CLI: daily, backfill, rebuild, lifecycle. Each builds the same
// context as the scheduled function (clients from the environment's target, settings from the
// function's environment variables, flags first) and calls the same run (functions/daily/run.ts).
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createClients, targetFromEnv } from '../functions/adapters/clients.ts';
import { createLogger } from '../functions/adapters/log.ts';
import { createContext, type DailyContext } from '../functions/daily/context.ts';
import { isDay } from '../functions/core/lake-paths.ts';
import { cliHolder, LeaseHeldError, withLease } from '../functions/daily/lease.ts';
import type { RunReport } from '../functions/daily/report.ts';
import { lifecyclePlanFor, planRun, runDaily, type RunOptions } from '../functions/daily/run.ts';
import { dailySettings } from '../functions/daily/settings.ts';
import { createProgress } from './progress.ts';
import { settingOption } from './setting-options.ts';

/** Wrong or missing arguments or settings: exit code 2. */
export class UsageError extends Error {}
/** The command ran and reported a failure: exit code 1. */
export class RunFailed extends Error {}

interface CommonOptions {
  rawBucket?: string;
  configBucket?: string;
  dataset?: string;
  location?: string;
  coldlineAgeDays?: number;
  retentionDays?: number;
  json?: boolean;
  verbose?: boolean;
  /** Minutes to wait for another run's lease. */
  wait?: number;
}

function day(value: string): string {
  if (!isDay(value)) throw new InvalidArgumentError(`"${value}" is not a day; write it YYYY-MM-DD, e.g. 2024-03-01.`);
  return value;
}

export function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 1.`);
  return n;
}

/** Flags every daily command takes: where the data is, and how to report. */
function withCommon(cmd: Command): Command {
  return cmd
    .addOption(settingOption('rawBucket'))
    .addOption(settingOption('configBucket'))
    .addOption(settingOption('dataset'))
    .addOption(settingOption('bigqueryLocation'))
    .addOption(settingOption('coldlineAgeDays', { checked: true }))
    .addOption(settingOption('retentionDays', { checked: true }))
    .addOption(
      new Option('--wait <minutes>', 'if another run holds the daily lease, wait up to this long for it (default: say who holds it and stop)').argParser(
        wholeNumber,
      ),
    )
    .option('--json', 'print the JSON report on stdout instead of a summary')
    .option('--verbose', 'also print the structured log entries (as Cloud Logging would get them) on stderr');
}

async function contextFor(opts: CommonOptions): Promise<DailyContext> {
  let settings;
  let clients;
  try {
    settings = dailySettings(process.env, opts);
    clients = createClients(targetFromEnv());
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (flags: --raw-bucket, --config-bucket, --dataset)`);
  }
  const sink = opts.verbose ? (line: string) => process.stderr.write(`${line}\n`) : () => {};
  return createContext(clients, settings, createLogger({ function: 'daily', via: 'cli' }, sink));
}

function printReport(report: RunReport, opts: CommonOptions): void {
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const d of report.days) {
      const what =
        d.status === 'succeeded' ? `${d.rowsKept} rows kept of ${d.rowsIn}, ${d.duplicatesDropped} duplicates, ${d.badRows} bad` : `FAILED: ${d.error}`;
      process.stdout.write(`${d.day}  ${d.status.padEnd(9)} ${what}\n`);
      for (const b of d.badRowSamples) process.stdout.write(`    bad row ${b.file}:${b.line}: ${b.reason}\n`);
    }
    if (report.lifecycle) {
      const l = report.lifecycle;
      process.stdout.write(
        `lifecycle: ${l.days.length} day(s); ${l.compactedSources} objects compacted into ${l.compactedObjects}; ${l.movedToColdline} moved to Coldline; ${l.deleted} deleted` +
          `${l.notLoaded.length ? `; ${l.notLoaded.length} old day(s) not loaded yet, left in Standard` : ''}\n`,
      );
      for (const e of l.errors) process.stdout.write(`  ${e}\n`);
    }
    for (const w of report.warnings) process.stdout.write(`warning: ${w}\n`);
    process.stdout.write(`${report.status}: ${report.message} (${(report.durationMs / 1000).toFixed(1)} s, run ${report.runId})\n`);
  }
  if (report.status === 'failed') throw new RunFailed(report.message);
}

/** Runs `fn` holding the daily lease, as the scheduled run does: two runs never overlap. */
async function leased<T>(ctx: DailyContext, opts: CommonOptions, command: string, fn: () => Promise<T>): Promise<T> {
  if (!opts.json && opts.wait) process.stderr.write(`plantlake: waiting up to ${opts.wait} min for the daily lease if another run holds it\n`);
  try {
    return await withLease(ctx.raw, { runId: ctx.runId, holder: cliHolder(command), waitMs: (opts.wait ?? 0) * 60_000, log: ctx.log }, fn);
  } catch (err) {
    if (err instanceof LeaseHeldError) {
      process.stderr.write(`plantlake: ${err.message}\n`);
      throw new RunFailed(err.message);
    }
    throw err;
  }
}

async function run(opts: CommonOptions, options: RunOptions, showProgress: boolean): Promise<void> {
  const ctx = await contextFor(opts);
  const report = await leased(ctx, opts, options.mode, async () => {
    const progress = showProgress && !opts.json ? createProgress() : undefined;
    try {
      return await runDaily(ctx, { ...options, onPlan: (p) => progress?.plan(p), onDay: (d) => progress?.day(d) });
    } finally {
      progress?.stop();
    }
  });
  printReport(report, opts);
}

async function dryRun(opts: CommonOptions, options: RunOptions, withLifecycle: boolean): Promise<void> {
  const ctx = await contextFor(opts);
  const plan = await planRun(ctx, options);
  const lifecycle = withLifecycle ? lifecyclePlanFor(ctx, plan, new Map()) : undefined;
  const out = {
    load: options.mode === 'lifecycle' ? [] : plan.loads.load,
    upToDate: plan.loads.upToDate,
    skipped: plan.loads.skipped,
    lifecycle: lifecycle && {
      days: lifecycle.days.map((d) => ({
        day: d.day,
        compactions: d.compactions.map((c) => ({ target: c.target, sources: c.sources.length })),
        objects: plan.listings.find((l) => l.day === d.day)?.objects.length ?? 0,
        unfinishedCompactions: d.pending.length,
        deleteAll: d.deleteAll,
      })),
      notLoaded: lifecycle.notLoaded,
    },
  };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  for (const d of out.load) process.stdout.write(`would load ${d.day} (${d.reason})\n`);
  for (const s of out.skipped) process.stdout.write(`would skip ${s.day}: ${s.reason}\n`);
  process.stdout.write(`${out.upToDate.length} day(s) up to date\n`);
  for (const d of out.lifecycle?.days ?? []) {
    const sources = d.compactions.reduce((n, c) => n + c.sources, 0);
    const compaction = sources > 0 ? `compact ${sources} of its ${d.objects} object(s) into ${d.compactions.length}, then ` : '';
    process.stdout.write(`would ${compaction}move ${d.day} to Coldline${d.deleteAll ? ', then delete it (retention)' : ''}\n`);
  }
  if (out.lifecycle?.notLoaded.length)
    process.stdout.write(`${out.lifecycle.notLoaded.length} old day(s) not loaded yet stay in Standard: ${out.lifecycle.notLoaded.join(', ')}\n`);
}

export function registerDailyCommands(program: Command): void {
  withCommon(program.command('daily'))
    .description('run the daily job once: load every day whose raw objects changed since its last load, refresh tags, then the lifecycle')
    .option('--dry-run', 'only say what would be loaded and moved')
    .option('--no-lifecycle', 'load only; leave raw objects where they are')
    .action(async (opts: CommonOptions & { dryRun?: boolean; lifecycle: boolean }) => {
      const options: RunOptions = { mode: 'daily', lifecycle: opts.lifecycle };
      await (opts.dryRun ? dryRun(opts, options, opts.lifecycle) : run(opts, options, true));
    });

  withCommon(program.command('backfill'))
    .description('load every day in a range from the raw zone (days already loaded as they are now are skipped unless --force)')
    .requiredOption('--from <day>', 'first day, YYYY-MM-DD (UTC)', day)
    .requiredOption('--to <day>', 'last day, YYYY-MM-DD (UTC), included', day)
    .option('--force', 'reload days that are up to date too')
    .option('--past-retention', 'also load days whose raw objects may be partly deleted by retention')
    .option('--lifecycle', 'run the lifecycle afterwards (compaction, Coldline)')
    .option('--dry-run', 'only say what would be loaded')
    .action(async (opts: CommonOptions & { from: string; to: string; force?: boolean; pastRetention?: boolean; lifecycle?: boolean; dryRun?: boolean }) => {
      if (opts.to < opts.from) throw new UsageError(`--to ${opts.to} is before --from ${opts.from}`);
      const options: RunOptions = {
        mode: 'backfill',
        from: opts.from,
        to: opts.to,
        force: opts.force,
        pastRetention: opts.pastRetention,
        lifecycle: opts.lifecycle ?? false,
      };
      await (opts.dryRun ? dryRun(opts, options, false) : run(opts, options, true));
    });

  withCommon(program.command('rebuild'))
    .description('rebuild one day in BigQuery from its raw objects, whether or not it changed')
    .requiredOption('--day <day>', 'the day, YYYY-MM-DD (UTC)', day)
    .option('--past-retention', 'rebuild even if the raw objects may be partly deleted by retention')
    .action(async (opts: CommonOptions & { day: string; pastRetention?: boolean }) => {
      const ctx = await contextFor(opts);
      const report = await leased(ctx, opts, 'rebuild', () =>
        runDaily(ctx, { mode: 'rebuild', from: opts.day, to: opts.day, force: true, pastRetention: opts.pastRetention, lifecycle: false }),
      );
      if (report.status !== 'failed' && report.days.length === 0) {
        printReport(report, opts);
        const skip = report.skipped[0];
        process.stderr.write(
          skip
            ? `plantlake: ${skip.reason}\n`
            : `plantlake: no raw objects for ${opts.day} under gs://${ctx.settings.rawBucket}/readings/dt=${opts.day}/; nothing to rebuild.\n`,
        );
        throw new RunFailed('nothing rebuilt');
      }
      printReport(report, opts);
    });

  withCommon(program.command('lifecycle'))
    .description('only the lifecycle: compact loaded days older than the Coldline age, move them to Coldline (never a day not loaded)')
    .option('--dry-run', 'only say what would be compacted and moved')
    .action(async (opts: CommonOptions & { dryRun?: boolean }) => {
      const options: RunOptions = { mode: 'lifecycle', lifecycle: true };
      await (opts.dryRun ? dryRun(opts, options, true) : run(opts, options, false));
    });
}
