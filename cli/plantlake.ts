#!/usr/bin/env node
// `plantlake`: the operator's command line. Daily-job commands (daily, backfill, rebuild,
// lifecycle) run the same code as the scheduled function, against Google Cloud or, when the
// emulator variables are set (PUBSUB_EMULATOR_HOST, PLANTLAKE_STORAGE_EMULATOR,
// PLANTLAKE_BIGQUERY_EMULATOR), the local emulators. Exit codes: 0 ok, 1 failure, 2 usage.
// More commands are added in cli/*-commands.ts.
import { EventEmitter } from 'node:events';
import { Command, CommanderError } from 'commander';
import { assertNodeVersion } from './node-version.ts';
import { registerCostCommand } from './cost-command.ts';
import { registerDailyCommands, RunFailed, UsageError } from './daily-commands.ts';
import { registerOpsCommands } from './ops-commands.ts';
import { registerAnalyticsCommands } from './analytics-commands.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('plantlake')
    .description(
      'plantlake operations: publish readings, roll out rules and the tag catalog, load the raw zone into BigQuery (daily, back-fill, rebuild, lifecycle), query and check status',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerDailyCommands(program);
  registerOpsCommands(program);
  registerCostCommand(program);
  registerAnalyticsCommands(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  // Many objects read at once make the storage client's streams print harmless
  // MaxListenersExceededWarnings (see scripts/start.ts).
  EventEmitter.defaultMaxListeners = 64;
  try {
    assertNodeVersion();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return EXIT.failure;
  }
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof RunFailed) return EXIT.failure; // the command has said what failed
    if (err instanceof UsageError) {
      process.stderr.write(`plantlake: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`plantlake: ${(err as Error).message}\n`);
    return EXIT.failure;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
