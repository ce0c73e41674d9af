// Rebuilds the `tags` table after the days are loaded: catalog/tags.yaml from the config bucket
// (if there is one), joined with the first and last reading time of every tag seen. The table is
// small (one row per site and tag), so it is rewritten whole by one WRITE_TRUNCATE load: on
// BigQuery the swap is atomic, and analysts never see it half-written.
import { TABLES, OBJECTS } from '../core/resources.ts';
import { parseTagCatalog } from '../core/tag-catalog.ts';
import { isNotFound } from '../adapters/storage-errors.ts';
import { cellText } from '../adapters/warehouse.ts';
import type { TagRow } from '../../schemas/rows.ts';
import type { DailyContext } from './context.ts';
import { tagsQuery } from './replace-sql.ts';
import type { TagsReport } from './report.ts';
import { mergeTags, type CatalogInput, type SeenStat } from './tags.ts';
import { timed } from './timings.ts';

async function readCatalog(ctx: DailyContext): Promise<{ input: CatalogInput; warning?: string }> {
  const where = `gs://${ctx.config.name}/${OBJECTS.tagCatalog}`;
  let text: string;
  try {
    text = (await ctx.config.file(OBJECTS.tagCatalog).download())[0].toString('utf8');
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const [bucketExists] = await ctx.config.exists();
    return bucketExists
      ? { input: { kind: 'absent' } }
      : {
          input: { kind: 'absent' },
          warning: `config bucket gs://${ctx.config.name} does not exist; tags carry no catalog fields. Check PLANTLAKE_CONFIG_BUCKET.`,
        };
  }
  const parsed = parseTagCatalog(text);
  if (parsed.ok) return { input: { kind: 'catalog', catalog: parsed.catalog } };
  return { input: { kind: 'invalid' }, warning: `${where}: ${parsed.reason}. tags keep their previous catalog fields until it is fixed.` };
}

function toTagRow(row: Record<string, unknown>): TagRow {
  const text = (k: string) => cellText(row[k]);
  return {
    tag: String(row.tag),
    site: text('site'),
    description: text('description'),
    unit: text('unit'),
    area: text('area'),
    equipment: text('equipment'),
    legacy_name: text('legacy_name'),
    plant: text('plant'),
    function_key: text('function_key'),
    equipment_unit: text('equipment_unit'),
    component: text('component'),
    measured_quantity: text('measured_quantity'),
    in_catalog: row.in_catalog === true,
    first_seen: text('first_seen'),
    last_seen: text('last_seen'),
    updated_at: text('updated_at') ?? new Date(0).toISOString(),
  };
}

export async function refreshTags(ctx: DailyContext, seen: readonly SeenStat[]): Promise<TagsReport> {
  return timed(ctx.timings, 'tags', async () => {
    const { input, warning } = await readCatalog(ctx);
    const { rows } = await ctx.warehouse.query<Record<string, unknown>>(tagsQuery(ctx.warehouse.ref(TABLES.tags.name)));
    const merged = mergeTags(rows.map(toTagRow), input, seen, ctx.now());
    // Nothing seen and no catalog: nothing to write (an empty load would be refused).
    if (merged.length > 0) await ctx.warehouse.loadText(TABLES.tags.name, merged.map((r) => JSON.stringify(r)).join('\n') + '\n', 'WRITE_TRUNCATE');
    const catalog = input.kind === 'catalog' ? 'loaded' : input.kind;
    return { rows: merged.length, catalog, ...(warning ? { warning } : {}) };
  });
}
