// Checks for values a person types into the local tools (`npm start`, the CLI) that end up in SQL
// or in a command line printed for copying: each either returns the value or throws commander's
// InvalidArgumentError saying what is wrong and what to write, so nothing odd reaches a query.
import { InvalidArgumentError } from 'commander';
import { parseKks } from '../functions/core/kks.ts';
import { isDay } from '../functions/core/lake-paths.ts';
import { utcDay } from '../functions/core/time.ts';
import { SITE_PATTERN } from '../schemas/reading-batch.ts';

/** A past UTC day, YYYY-MM-DD (a simulated day must be in the past, or its readings are clock faults). */
export function pastDay(now: () => Date = () => new Date()) {
  return (value: string): string => {
    if (!isDay(value)) throw new InvalidArgumentError(`"${value}" is not a day; write it YYYY-MM-DD, e.g. 2024-03-01.`);
    const today = utcDay(now().getTime());
    if (value >= today)
      throw new InvalidArgumentError(
        `${value} is not in the past (today is ${today} UTC); readings from the future are quarantined as clock faults. Pick an earlier day.`,
      );
    return value;
  };
}

export function kksTag(value: string): string {
  const r = parseKks(value);
  if (!r.ok) throw new InvalidArgumentError(`"${value}" is not a KKS code (${r.reason}); e.g. 10MKA10CT001.`);
  if (/['"`\\]/.test(value)) throw new InvalidArgumentError(`"${value}" holds a quote or backslash; a KKS code never does.`);
  return value;
}

const SITE = new RegExp(SITE_PATTERN);
export function siteId(value: string): string {
  if (!SITE.test(value)) throw new InvalidArgumentError(`"${value}" is not a site id; use letters, digits, ".", "_" and "-" (up to 64), e.g. REF-01.`);
  return value;
}

/** A BigQuery dataset id (letters, digits, underscores; at most 1,024). https://cloud.google.com/bigquery/docs/datasets#dataset-naming */
export function datasetId(value: string): string {
  if (!/^[A-Za-z0-9_]{1,1024}$/.test(value))
    throw new InvalidArgumentError(`"${value}" is not a BigQuery dataset id; use letters, digits and underscores, e.g. plantlake.`);
  return value;
}
