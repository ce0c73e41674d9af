// The analysts' commands: `tariffs validate|push` (energy tariffs into the config bucket, loaded
// by the next daily run), `inventory` (tank balance and days of cover from the views) and
// `export` (readings to Hive-partitioned Parquet for DuckDB, or an alarm's incident record).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createClients, targetFromEnv, type Clients } from '../functions/adapters/clients.ts';
import { ENV } from '../functions/core/function-env.ts';
import { OBJECTS, parseTariffs } from '../functions/core/index.ts';
import { dayRange } from '../functions/core/lake-paths.ts';
import { RunFailed, UsageError, wholeNumber } from './daily-commands.ts';
import { checkSite, exportDataSql, exportDays, exportIncident, findIncident, type ExportTarget } from './export.ts';
import { formatRows } from './query.ts';
import { settingOption } from './setting-options.ts';

function clients(): Clients {
  try {
    return createClients(targetFromEnv());
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new InvalidArgumentError(`"${value}" is not a day; write it YYYY-MM-DD, e.g. 2024-03-01.`);
  return value;
}

async function exportTarget(c: Clients, dataset: string, location: string | undefined): Promise<ExportTarget> {
  const projectId = c.target.projectId ?? (await c.bigquery.getProjectId());
  return { bigquery: c.bigquery, datasetRef: `${projectId}.${dataset}`, location };
}

/** Checks a tariffs file as the daily job reads it; throws RunFailed after saying what is wrong. */
function checkTariffs(file: string, text: string): string {
  const parsed = parseTariffs(text);
  if (!parsed.ok) {
    process.stderr.write(`${file} is not valid:\n${parsed.problems.map((p) => `  ${p.path === '' ? '' : `${p.path}: `}${p.reason}`).join('\n')}\n`);
    throw new RunFailed(parsed.reason);
  }
  const t = parsed.tariffs;
  const summary = `tariffs version ${t.version}: ${t.tariffs.length} tariff period(s) for ${new Set(t.tariffs.map((x) => x.site)).size} site(s), ${t.meters.length} meter(s)`;
  process.stdout.write(`${file}: ${summary}\n`);
  return summary;
}

/** DuckDB's native binding loads only when an export runs, so every other command starts fast. */
async function openSink(dir: string) {
  const { openParquetSink } = await import('./parquet-sink.ts');
  return openParquetSink(dir);
}

const datasetOption = () => settingOption('dataset', { withDefault: true });
const locationOption = () => settingOption('bigqueryLocation');

export function registerAnalyticsCommands(program: Command): void {
  const tariffs = program.command('tariffs').description('energy tariffs: check a tariffs file, or upload it for the next daily run');
  tariffs
    .command('validate')
    .description('check a tariffs file (YAML or JSON) as the daily job reads it, and say what is wrong')
    .argument('<file>')
    .action((file: string) => void checkTariffs(file, readText(file)));
  tariffs
    .command('push')
    .description('check a tariffs file, then upload it to the config bucket; the next daily run loads it into `tariffs` and `energy_meters`')
    .argument('<file>')
    .addOption(settingOption('configBucket'))
    .action(async (file: string, opts: { configBucket?: string }) => {
      const text = readText(file);
      checkTariffs(file, text);
      if (!opts.configBucket) throw new UsageError(`--config-bucket is required (or set ${ENV.configBucket})`);
      const object = clients().storage.bucket(opts.configBucket).file(OBJECTS.tariffs);
      await object.save(text, { resumable: false, metadata: { contentType: 'application/yaml', cacheControl: 'no-store' } });
      const [meta] = await object.getMetadata();
      process.stdout.write(
        `uploaded to gs://${opts.configBucket}/${OBJECTS.tariffs} (generation ${meta.generation}); run plantlake daily (or wait for the scheduled run) to load it\n`,
      );
    });

  program
    .command('inventory')
    .description("tank balance of a site's day: opening and closing stock, receipts, dispatches, the unexplained difference, and days of cover")
    .requiredOption('--site <site>', 'site, e.g. REF-01', (s: string) => {
      try {
        return checkSite(s);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    })
    .option('--day <day>', 'UTC day (default: the latest day with a balance)', day)
    .addOption(new Option('--by <what>', 'one row per tank or per product').choices(['tank', 'product']).default('tank'))
    .addOption(datasetOption())
    .addOption(locationOption())
    .addOption(new Option('--format <format>', 'output').choices(['table', 'csv']).default('table'))
    .action(async (opts: { site: string; day?: string; by: 'tank' | 'product'; dataset: string; location?: string; format: 'table' | 'csv' }) => {
      const target = await exportTarget(clients(), opts.dataset, opts.location);
      const t = (name: string) => `\`${target.datasetRef}.${name}\``;
      const dayFilter = opts.day ? `'${opts.day}'` : `(SELECT MAX(day) FROM ${t('tank_balance_daily')} WHERE site = '${opts.site}')`;
      const sql =
        opts.by === 'tank'
          ? `SELECT b.tank, b.product, CAST(b.day AS STRING) AS day, ROUND(b.opening_stock, 1) AS opening, ROUND(b.closing_stock, 1) AS closing, ROUND(b.receipts, 1) AS receipts, ROUND(b.dispatches, 1) AS dispatches, ` +
            `ROUND(b.unexplained, 1) AS unexplained, ROUND(100 * b.unexplained_share, 2) AS unexplained_pct, b.volume_unit AS unit, ROUND(100 * b.closing_stock / b.capacity, 1) AS pct_full, ` +
            `ROUND(c.trend_per_day, 1) AS trend_per_day, ROUND(c.days_to_empty, 1) AS days_to_empty, ROUND(c.days_to_full, 1) AS days_to_full ` +
            `FROM ${t('tank_balance_daily')} AS b JOIN ${t('tank_days_of_cover')} AS c ON c.site = b.site AND c.tank = b.tank AND c.day = b.day ` +
            `WHERE b.site = '${opts.site}' AND b.day = ${dayFilter} ORDER BY b.tank`
          : `SELECT product, CAST(day AS STRING) AS day, tanks, ROUND(stock, 1) AS stock, ROUND(capacity, 1) AS capacity, volume_unit AS unit, ROUND(trend_per_day, 1) AS trend_per_day, ` +
            `ROUND(days_to_empty, 1) AS days_to_empty, ROUND(days_to_full, 1) AS days_to_full FROM ${t('product_days_of_cover')} WHERE site = '${opts.site}' AND day = ${dayFilter} ORDER BY product`;
      const [rows] = await target.bigquery.query({ query: sql, ...(opts.location ? { location: opts.location } : {}) });
      if (rows.length === 0) {
        process.stderr.write(
          `no tank balance for site ${opts.site}${opts.day ? ` on ${opts.day}` : ''}: check the site, that its tanks are in the tag catalog (tanks:) and that the daily job has loaded the day\n`,
        );
        throw new RunFailed('no rows');
      }
      process.stdout.write(`${formatRows(rows as Record<string, unknown>[], opts.format)}\n`);
    });

  program
    .command('export')
    .description(
      "readings to Hive-partitioned Parquet (DIR/dt=…/site=…/part-N.parquet) for DuckDB; or, with --around, every tag of an alarm's equipment around it",
    )
    .option('--from <day>', 'first UTC day', day)
    .option('--to <day>', 'last UTC day (inclusive)', day)
    .option('--site <site>', 'only this site')
    .option('--tag <pattern>', 'only tags matching a KKS code or glob, e.g. 10EGB*CL*')
    .option('--around <eventId>', "an alarm event id: export its equipment's tags around it")
    .option('--minutes <n>', 'with --around: minutes before and after the alarm', wholeNumber, 30)
    .option('--out <dir>', 'output folder (local Parquet)')
    .option('--to-bucket <uri>', 'Google Cloud only: run BigQuery EXPORT DATA into gs://BUCKET/PREFIX instead of writing locally')
    .addOption(datasetOption())
    .addOption(locationOption())
    .action(
      async (opts: {
        from?: string;
        to?: string;
        site?: string;
        tag?: string;
        around?: string;
        minutes: number;
        out?: string;
        toBucket?: string;
        dataset: string;
        location?: string;
      }) => {
        const c = clients();
        const target = await exportTarget(c, opts.dataset, opts.location);
        const filter = { site: opts.site, tag: opts.tag };
        try {
          if (opts.site) checkSite(opts.site);
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        if (opts.around) {
          if (!opts.out) throw new UsageError('--around needs --out DIR');
          const incident = await findIncident(target, opts.around, opts.minutes).catch((err: Error) => {
            process.stderr.write(`${err.message}\n`);
            throw new RunFailed(err.message);
          });
          const sink = await openSink(resolve(opts.out));
          try {
            const days = await exportIncident(target, sink, incident);
            const rows = days.reduce((n, d) => n + d.rows, 0);
            process.stdout.write(
              `alarm ${incident.eventId}: ${incident.condition} on ${incident.tag} at ${incident.readingTs}; ${rows} readings of the ${incident.systemPrefix} tags at ${incident.site} from ${incident.from} to ${incident.to} written to ${opts.out}\n`,
            );
          } finally {
            sink.close();
          }
          return;
        }
        if (!opts.from || !opts.to) throw new UsageError('--from and --to are required (or --around EVENT_ID)');
        if (opts.to < opts.from) throw new UsageError(`--to ${opts.to} is before --from ${opts.from}`);
        const days = dayRange(opts.from, opts.to);
        if (opts.toBucket) {
          if (c.target.kind === 'emulators')
            throw new UsageError('--to-bucket runs BigQuery EXPORT DATA, which the bigquery-emulator does not have; export locally with --out DIR');
          if (!opts.toBucket.startsWith('gs://')) throw new UsageError(`--to-bucket "${opts.toBucket}" must be a gs:// URI`);
          for (const d of days) {
            const [sites] = await c.bigquery.query({
              query: `SELECT DISTINCT site FROM \`${target.datasetRef}.readings\` WHERE DATE(ts) = '${d}'${opts.site ? ` AND site = '${opts.site}'` : ''}`,
              ...(opts.location ? { location: opts.location } : {}),
            });
            for (const { site } of sites as { site: string }[]) {
              await c.bigquery.query({
                query: exportDataSql(`\`${target.datasetRef}.readings\``, `\`${target.datasetRef}.tags\``, opts.toBucket, d, site, filter),
                ...(opts.location ? { location: opts.location } : {}),
              });
              process.stderr.write(`${d} ${site}: exported\n`);
            }
          }
          process.stdout.write(`exported ${days.length} day(s) to ${opts.toBucket}\n`);
          return;
        }
        if (!opts.out) throw new UsageError('--out DIR is required (or --to-bucket on Google Cloud)');
        const out = resolve(opts.out);
        const sink = await openSink(out);
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { stream: process.stderr, format: 'exporting |{bar}| {value}/{total} days, {rows} rows, {eta_formatted} left' },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        bar?.start(days.length, 0, { rows: 0 });
        let rows = 0;
        try {
          const written = await exportDays(target, sink, days, filter, (d) => {
            rows += d.rows;
            if (bar) bar.increment(1, { rows });
            else process.stderr.write(`${d.day}: ${d.rows} rows, ${d.files} file(s)\n`);
          });
          bar?.stop();
          const files = written.reduce((n, d) => n + d.files, 0);
          process.stdout.write(
            `wrote ${rows} readings of ${days.length} day(s) in ${files} Parquet file(s) to ${opts.out}; read them with DuckDB: SELECT * FROM read_parquet('${opts.out}/**/*.parquet', hive_partitioning = true)\n`,
          );
        } finally {
          bar?.stop();
          sink.close();
        }
      },
    );
}
