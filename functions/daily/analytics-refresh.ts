// The analysts' reference tables, rebuilt after the days are loaded: `tariffs` and
// `energy_meters` from tariffs/tariffs.yaml, `tanks` and `tank_strapping` from the tag catalog's
// `tanks:`. Each is small
// and rewritten whole by one WRITE_TRUNCATE load, like `tags`. A missing file leaves its tables as
// they are; an invalid one too, with a warning that says what is wrong.
import { meterRows, parseTagCatalog, parseTariffs, tariffRows, OBJECTS, TABLES, type Catalog } from '../core/index.ts';
import { isNotFound } from '../adapters/storage-errors.ts';
import type { DailyContext } from './context.ts';
import { timed } from './timings.ts';

export interface AnalyticsReport {
  readonly tariffRows: number;
  readonly meters: number;
  readonly tanks: number;
  readonly warnings: readonly string[];
}

async function readConfig(ctx: DailyContext, name: string): Promise<string | undefined> {
  try {
    return (await ctx.config.file(name).download())[0].toString('utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Rows of BigQuery `tank_strapping`: one per point of each tank's table. */
export function strappingRows(catalog: Catalog): Record<string, unknown>[] {
  return catalog.tanks.flatMap((t) =>
    t.strapping.map((p) => ({ site: t.site, tank: t.tank, level: p.level, volume: p.volume, catalog_version: catalog.version })),
  );
}

/** Rows of BigQuery `tanks` from a checked catalog. */
export function tankRows(catalog: Catalog): Record<string, unknown>[] {
  return catalog.tanks.map((t) => ({
    site: t.site,
    tank: t.tank,
    product: t.product,
    description: t.description ?? null,
    level_tag: t.levelTag,
    capacity: t.capacity,
    volume_unit: t.volumeUnit,
    inflow_tags: [...t.inflowTags],
    outflow_tags: [...t.outflowTags],
    catalog_version: catalog.version,
  }));
}

export async function refreshAnalytics(ctx: DailyContext): Promise<AnalyticsReport> {
  return timed(ctx.timings, 'tags', async () => {
    const warnings: string[] = [];
    const write = async (table: string, rows: readonly object[]) => {
      // An empty load is refused; no rows means the file lists none, and the table keeps what it had.
      if (rows.length > 0) await ctx.warehouse.loadText(table, rows.map((r) => JSON.stringify(r)).join('\n') + '\n', 'WRITE_TRUNCATE');
    };
    let tariffCount = 0;
    let meterCount = 0;
    const tariffsText = await readConfig(ctx, OBJECTS.tariffs);
    if (tariffsText !== undefined) {
      const parsed = parseTariffs(tariffsText);
      if (!parsed.ok)
        warnings.push(
          `gs://${ctx.config.name}/${OBJECTS.tariffs}: ${parsed.reason}. tariffs and energy_meters keep their previous rows until it is fixed (check it with plantlake tariffs validate).`,
        );
      else {
        const grid = tariffRows(parsed.tariffs);
        const meters = meterRows(parsed.tariffs);
        await write(TABLES.tariffs.name, grid);
        await write(TABLES.energyMeters.name, meters);
        tariffCount = grid.length;
        meterCount = meters.length;
      }
    }
    let tankCount = 0;
    const catalogText = await readConfig(ctx, OBJECTS.tagCatalog);
    if (catalogText !== undefined) {
      const parsed = parseTagCatalog(catalogText);
      // tags-refresh.ts already warns about an invalid catalog.
      if (parsed.ok) {
        const rows = tankRows(parsed.catalog);
        await write(TABLES.tanks.name, rows);
        await write(TABLES.tankStrapping.name, strappingRows(parsed.catalog));
        tankCount = rows.length;
      }
    }
    return { tariffRows: tariffCount, meters: meterCount, tanks: tankCount, warnings };
  });
}
