// `plantlake cost`: the monthly bill of a plant (defaults: the reference plant R1) per component,
// from config/prices.yaml, beside the same plant on a per-reading design. Offline: it reads the
// price table and measures sizes on sample batches, and calls no cloud API.
import { readFileSync } from 'node:fs';
import Table from 'cli-table3';
import { type Command, InvalidArgumentError, Option } from 'commander';
import {
  batchSecondsForGoal,
  batchShape,
  billPerReading,
  billPlant,
  GOAL_PER_MILLION_READINGS,
  measureSizes,
  parsePriceTable,
  R1,
  type Bill,
  type Plant,
  type PriceTable,
  type Sizes,
} from './cost-model.ts';
import { UsageError, wholeNumber } from './daily-commands.ts';

const DEFAULT_PRICES = new URL('../config/prices.yaml', import.meta.url);

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`"${value}" is not a number > 0.`);
  return n;
}

function atLeastZero(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a number ≥ 0.`);
  return n;
}

const usd = (n: number) =>
  n === 0 ? '$0' : n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : n >= 0.0001 ? `$${n.toFixed(4)}` : `$${n.toPrecision(2)}`;
/** Four significant digits, so a cost just above the goal does not print as the goal. */
const perMillion = (n: number) => `$${n.toPrecision(4)}`;
const qty = (n: number) => (n >= 1000 ? Math.round(n).toLocaleString('en-US') : n >= 1 ? n.toFixed(2) : n.toPrecision(3));

export function formatBill(prices: PriceTable, plant: Plant, sizes: Sizes, bill: Bill, perReading: Bill): string {
  const out: string[] = [];
  const retention = plant.retentionDays === null ? 'kept' : `${plant.retentionDays} days`;
  out.push(
    `plant: ${plant.tags.toLocaleString('en-US')} tags over ${plant.sites} sites, a reading every ${plant.intervalSeconds} s, ` +
      `a batch per site every ${plant.batchSeconds} s (${qty(batchShape(plant).readingsPerBatch)} readings), ${plant.wire} on the wire; raw data ${retention}, ` +
      `Coldline after ${plant.coldlineAgeDays} days; BigQuery ${plant.bigqueryStorage} storage; billed for month ${plant.month} of operation (30-day months)`,
    `volume: ${qty(bill.readingsPerMonth)} readings and ${qty(bill.batchesPerMonth)} batches a month`,
    `measured on sample batches: ${sizes.wireBytesPerReading.toFixed(1)} B a reading on the wire, ` +
      `${sizes.rawBytesPerReading.toFixed(1)} B in the raw zone (gzip NDJSON), ${sizes.bigqueryBytesPerRow.toFixed(1)} B a BigQuery row`,
    '',
  );
  const table = new Table({ head: ['component', 'item', 'quantity', 'unit price', 'list', 'after free tier'], style: { head: [], border: [], compact: true } });
  for (const l of bill.lines) {
    const p = prices[l.price];
    table.push([l.component, l.item, `${qty(l.quantity)} ${p.unit}`, `${usd(p.price)}${p.read === 'unverified' ? ' *' : ''}`, usd(l.list), usd(l.billed)]);
  }
  table.push(['total', '', '', '', usd(bill.list), usd(bill.billed)]);
  out.push(table.toString(), '');
  out.push(
    `cost per million readings: ${perMillion(bill.perMillionReadings)} at list price (goal ≤ ${perMillion(GOAL_PER_MILLION_READINGS)}: ${goalLine(prices, plant, bill)})`,
  );
  out.push(`one-off: reading a month of raw data back from Coldline (a rebuild) costs ${usd(bill.coldlineRebuildPerMonthOfData)} in retrieval`);
  if (bill.daily) {
    const d = bill.daily;
    out.push(
      `daily run on Google Cloud, by calculation (cli/daily-time-model.ts, stated per-request assumptions): ${d.seconds.toFixed(0)} s of its ${d.budgetSeconds} s budget` +
        (d.seconds > d.budgetSeconds ? ' — OVER BUDGET: the run defers work to the next run and falls behind' : ''),
    );
    for (const s of d.steps) out.push(`  ${s.step.padEnd(16)} ${s.seconds.toFixed(0).padStart(6)} s  ${s.how}`);
  }
  if (plant.retentionDays !== null && plant.retentionDays - plant.coldlineAgeDays < 90) {
    out.push(
      `note: raw data spends ${plant.retentionDays - plant.coldlineAgeDays} days in Coldline, less than its 90-day minimum: each object is billed 90 days`,
    );
  }
  out.push('');
  const byComponent = (b: Bill) => {
    const sums = new Map<string, number>();
    for (const l of b.lines) {
      const key =
        l.component === 'land' || l.component === 'detect' || l.component === 'notify' || l.component === 'daily' || l.component === 'per-reading function'
          ? 'Functions'
          : l.component;
      sums.set(key, (sums.get(key) ?? 0) + l.list);
    }
    return sums;
  };
  const ours = byComponent(bill);
  const theirs = byComponent(perReading);
  const side = new Table({ head: ['component', 'plantlake (batches)', 'per-reading design'], style: { head: [], border: [], compact: true } });
  for (const key of new Set([...ours.keys(), ...theirs.keys()])) side.push([key, usd(ours.get(key) ?? 0), usd(theirs.get(key) ?? 0)]);
  side.push(['total', usd(bill.list), usd(perReading.list)]);
  side.push(['per million readings', usd(bill.perMillionReadings), usd(perReading.perMillionReadings)]);
  out.push('the same plant on a per-reading design (a message, a function call, an object and a streaming insert per reading), list prices:');
  out.push(side.toString(), '');
  out.push('prices: USD list prices, Tier-1 region, no discounts, from config/prices.yaml:');
  const used = new Set([...bill.lines, ...perReading.lines].map((l) => l.price));
  for (const key of used) {
    const p = prices[key];
    out.push(
      `  ${key}: ${usd(p.price)} per ${p.unit} — ${p.what}; ${p.source} (${p.read === 'unverified' ? '* not re-checked: verify before you rely on it' : `read ${p.read}`})`,
    );
  }
  return out.join('\n');
}

/** Whether the plant meets the goal, and if not, the batch period from which it would. */
function goalLine(prices: PriceTable, plant: Plant, bill: Bill): string {
  if (bill.perMillionReadings <= GOAL_PER_MILLION_READINGS) return 'met';
  const lever = batchSecondsForGoal(prices, plant);
  if (lever === null) return 'not met, nor with a batch per site up to every 600 s: see README, "What it costs"';
  return `not met; met from a batch per site every ${lever.batchSeconds} s (${perMillion(lever.perMillionReadings)}), alarms up to that much later, or by a design change: see README, "What it costs"`;
}

export function registerCostCommand(program: Command): void {
  program
    .command('cost')
    .description(
      'the monthly bill of a plant per component (defaults: R1, 10,000 tags over 10 sites every 10 s), from the price table, beside a per-reading design',
    )
    .option('--tags <n>', 'tags in the fleet', wholeNumber, R1.tags)
    .option('--sites <n>', 'sites (one gateway each)', wholeNumber, R1.sites)
    .option('--interval <seconds>', 'seconds between readings of a tag', positive, R1.intervalSeconds)
    .option(
      '--batch-seconds <seconds>',
      'how often each gateway publishes (default: every interval; longer buffers several intervals a batch and delays alarms as much)',
      positive,
    )
    .addOption(new Option('--wire <encoding>', 'message body encoding').choices(['json', 'gzip']).default(R1.wire))
    .option('--retention-days <n>', 'raw-zone retention (default: kept for good)', wholeNumber)
    .option('--coldline-age-days <n>', 'days before raw data moves to Coldline', wholeNumber, R1.coldlineAgeDays)
    .option('--month <n>', 'month of operation to bill storage for', wholeNumber, R1.month)
    .addOption(new Option('--bigquery-storage <model>', 'dataset storage billing model').choices(['logical', 'physical']).default(R1.bigqueryStorage))
    .option('--query-tib <n>', "analysts' query volume, TiB a month", atLeastZero, R1.queryTiBPerMonth)
    .option('--alarms-per-day <n>', 'alarm events a day', atLeastZero, R1.alarmsPerDay)
    .option('--function-memory-gib <n>', 'function memory, GiB', positive, R1.functionMemoryGiB)
    .option('--function-vcpu <n>', 'function vCPU', positive, R1.functionVcpu)
    .option('--billed-seconds <n>', 'billed time per function request (100 ms steps)', positive, R1.billedSecondsPerRequest)
    .option('--prices <file>', 'price table', DEFAULT_PRICES.pathname)
    .action((o: Record<string, unknown>) => {
      let prices: PriceTable;
      try {
        prices = parsePriceTable(readFileSync(o.prices as string, 'utf8'));
      } catch (err) {
        throw new UsageError(`${o.prices as string}: ${(err as Error).message}`);
      }
      const tags = o.tags as number;
      const sites = o.sites as number;
      if (sites > tags) throw new UsageError(`--sites ${sites} is more than --tags ${tags}: every site has at least one tag`);
      const plant: Plant = {
        ...R1,
        tags,
        sites,
        intervalSeconds: o.interval as number,
        batchSeconds: (o.batchSeconds as number | undefined) ?? (o.interval as number),
        wire: o.wire as Plant['wire'],
        retentionDays: (o.retentionDays as number | undefined) ?? null,
        coldlineAgeDays: o.coldlineAgeDays as number,
        month: o.month as number,
        bigqueryStorage: o.bigqueryStorage as Plant['bigqueryStorage'],
        queryTiBPerMonth: o.queryTib as number,
        alarmsPerDay: o.alarmsPerDay as number,
        functionMemoryGiB: o.functionMemoryGib as number,
        functionVcpu: o.functionVcpu as number,
        billedSecondsPerRequest: o.billedSeconds as number,
      };
      if (plant.retentionDays !== null && plant.retentionDays <= plant.coldlineAgeDays) {
        throw new UsageError(`--retention-days ${plant.retentionDays} must be more than --coldline-age-days ${plant.coldlineAgeDays}`);
      }
      const sizes = measureSizes(plant);
      process.stdout.write(`${formatBill(prices, plant, sizes, billPlant(prices, plant, sizes), billPerReading(prices, plant, sizes))}\n`);
    });
}
