// The operator commands beside the daily ones: publish, rules validate|push, tags import, query,
// status. Each takes its target from the environment (Google Cloud, or the emulators when their
// variables are set) and its bucket, dataset and topic names from flags or the functions' own
// environment variables, so the same command works locally and against a project.
import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { type Command, Option } from 'commander';
import { createClients, EMULATOR_ENV, targetFromEnv, type Clients } from '../functions/adapters/clients.ts';
import { ENV } from '../functions/core/function-env.ts';
import { DEAD_LETTER_SUBSCRIPTIONS, SUBSCRIPTIONS, TOPICS } from '../functions/core/index.ts';
import { Gateway } from './gateway.ts';
import { sitePublisher } from './site-publisher.ts';
import { checkCatalog, checkRules, uploadConfigObject, type Checked } from './config-objects.ts';
import { RunFailed, UsageError, wholeNumber } from './daily-commands.ts';
import { formatRows, runQuery, sqlFor } from './query.ts';
import { batchesFromReadings, formatOf, readingsFromText } from './readings-file.ts';
import { quarantineGroups, readStatus, statusLines } from './status.ts';
import { settingOption } from './setting-options.ts';
import { datasetId } from './option-values.ts';

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function clients(): Clients {
  try {
    return createClients(targetFromEnv());
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

async function projectIdOf(c: Clients): Promise<string> {
  const id = c.target.projectId ?? (await c.bigquery.getProjectId());
  if (!id) throw new UsageError(`no Google Cloud project: set ${EMULATOR_ENV.projectId} or GOOGLE_CLOUD_PROJECT`);
  return id;
}

function need(value: string | undefined, flag: string, env: string): string {
  if (!value) throw new UsageError(`${flag} is required (or set ${env})`);
  return value;
}

function report(checked: Checked, file: string): void {
  if (!checked.ok) {
    process.stderr.write(`${file} is not valid:\n${checked.reason}\n`);
    throw new RunFailed(checked.reason);
  }
  process.stdout.write(`${file}: ${checked.summary}\n`);
}

export function registerOpsCommands(program: Command): void {
  program
    .command('publish')
    .description('publish readings from an NDJSON or CSV file (site,tag,ts,value,quality[,unit]) to the readings topic, in batches')
    .argument('<file>', 'readings file (.ndjson or .csv)')
    .addOption(new Option('--format <format>', 'file format').choices(['ndjson', 'csv']))
    .option('--topic <name>', 'readings topic', TOPICS.readings)
    .option('--batch-size <n>', 'readings per batch (one batch per site holds at most this many)', wholeNumber, 1000)
    .option('--source <name>', 'source named in each batch', 'plantlake-cli')
    .action(async (file: string, opts: { format?: string; topic: string; batchSize: number; source: string }) => {
      const text = readText(file);
      let batches;
      try {
        const readings = readingsFromText(text, formatOf(file, opts.format));
        batches = batchesFromReadings(readings, { text, batchSize: opts.batchSize, source: opts.source, sentAt: new Date() });
      } catch (err) {
        throw new UsageError(`${file}: ${(err as Error).message}`);
      }
      const topic = clients().pubsub.topic(opts.topic);
      const gateway = new Gateway(sitePublisher(topic));
      const bar = new cliProgress.SingleBar(
        { stream: process.stderr, format: 'publishing |{bar}| {value}/{total} batches', noTTYOutput: false },
        cliProgress.Presets.shades_classic,
      );
      bar.start(batches.length, 0);
      for (const b of batches) void gateway.send(b).then(() => bar.update(gateway.stats.published));
      await gateway.flush();
      bar.update(gateway.stats.published);
      bar.stop();
      const readings = batches.reduce((n, b) => n + b.readings.length, 0);
      process.stdout.write(
        `published ${readings} readings in ${batches.length} batches to ${opts.topic}` +
          (gateway.stats.failedAttempts > 0 ? ` (${gateway.stats.failedAttempts} failed attempts retried)` : '') +
          '; publishing the same file again lands nothing twice (batch ids derive from its content)\n',
      );
    });

  /** Checks a config file as its reader will, then uploads it to the config bucket. */
  const upload = (kind: 'rules' | 'catalog') => async (file: string, opts: { configBucket?: string }) => {
    const text = readText(file);
    report(kind === 'rules' ? checkRules(text) : checkCatalog(text), file);
    const bucket = need(opts.configBucket, '--config-bucket', ENV.configBucket);
    const generation = await uploadConfigObject(clients().storage, bucket, kind, text);
    process.stdout.write(`uploaded to gs://${bucket} (generation ${generation})\n`);
  };
  const bucketOption = () => settingOption('configBucket');
  const rules = program.command('rules').description('alarm rules: check a rules file, or roll it out');
  rules
    .command('validate')
    .description('check a rules file (YAML or JSON) as detect would, and say what is wrong')
    .argument('<file>')
    .action((file: string) => report(checkRules(readText(file)), file));
  rules
    .command('push')
    .description('check a rules file, then upload it to the config bucket; detect applies it within seconds, no redeploy')
    .argument('<file>')
    .addOption(bucketOption())
    .action(upload('rules'));
  program
    .command('tags')
    .description('the KKS tag catalog')
    .command('import')
    .description('check a tag catalog (YAML or JSON), then upload it to the config bucket; the next daily run refreshes BigQuery `tags`')
    .argument('<file>')
    .addOption(bucketOption())
    .action(upload('catalog'));

  program
    .command('query')
    .description('run SQL (use ${project} and ${dataset}), or read a view of sql/views by name; print a table or CSV')
    .argument('<sql-or-view>', 'SQL text, or a view name such as alarm_top_tags')
    .addOption(settingOption('dataset', { withDefault: true }).argParser(datasetId))
    .addOption(settingOption('bigqueryLocation'))
    .option('--limit <n>', 'rows to read from a view', wholeNumber, 100)
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv']).default('table'))
    .action(async (input: string, opts: { dataset: string; location?: string; limit: number; format: 'table' | 'csv' }) => {
      const c = clients();
      const sql = sqlFor(input, await projectIdOf(c), opts.dataset, opts.limit);
      const rows = await runQuery(c.bigquery, sql, opts.location);
      process.stdout.write(`${formatRows(rows, opts.format)}\n`);
    });

  program
    .command('status')
    .description('dead-letter and live backlogs, quarantined inputs, the raw zone, the daily lease and the last loads')
    .addOption(settingOption('rawBucket'))
    .addOption(settingOption('dataset', { withDefault: true }).argParser(datasetId))
    .option(
      '--dead-letter <subscriptions...>',
      'dead-letter subscriptions to peek',
      Object.values(DEAD_LETTER_SUBSCRIPTIONS).map((s) => s.name),
    )
    .option(
      '--subscription <subscriptions...>',
      'live subscriptions whose backlog to read from Cloud Monitoring',
      Object.values(SUBSCRIPTIONS).map((s) => s.name),
    )
    .option('--quarantine-by-site', 'also read every quarantine record (streamed) and count them by site and reason')
    .option('--json', 'print JSON')
    .action(async (opts: { rawBucket?: string; dataset: string; deadLetter: string[]; subscription: string[]; quarantineBySite?: boolean; json?: boolean }) => {
      const c = clients();
      const status = await readStatus(c, {
        projectId: await projectIdOf(c),
        deadLetterSubscriptions: opts.deadLetter,
        subscriptions: opts.subscription,
        rawBucket: need(opts.rawBucket, '--raw-bucket', ENV.rawBucket),
        dataset: opts.dataset,
      });
      const bySite = opts.quarantineBySite ? await quarantineGroups(c.storage.bucket(need(opts.rawBucket, '--raw-bucket', ENV.rawBucket))) : undefined;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(bySite ? { ...status, quarantineBySite: bySite } : status, null, 2)}\n`);
        return;
      }
      const lines = statusLines(status, (rows) => formatRows(rows, 'table'));
      if (bySite) {
        lines.push('quarantine by site and reason');
        for (const g of bySite.groups) lines.push(`  ${String(g.count).padStart(7)}  site ${g.site}  ${g.reason}`);
        if (bySite.other > 0) lines.push(`  ${String(bySite.other).padStart(7)}  (other sites and reasons)`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
