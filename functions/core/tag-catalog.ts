// The tag catalog (YAML or JSON): KKS → description, unit, site, area, equipment, legacy name,
// and the storage tanks (strapping, product, flows). Checked like a batch: schema, then every tag
// as a KKS code, then (site, tag) unique, then the tanks (functions/core/tanks.ts).
import { readConfigDocument } from './config-document.ts';
import { TagCatalog, type TagCatalogEntry } from '../../schemas/tag-catalog.ts';
import { parseKks, type KksCode } from './kks.ts';
import { summarise, type Problem } from './problems.ts';
import { compileSchema } from './schema-check.ts';
import { checkTanks, type Tank } from './tanks.ts';

export interface CatalogEntry extends TagCatalogEntry {
  /** The KKS split of `tag` (which is stored normalised). */
  readonly kks: KksCode;
}

export interface Catalog {
  readonly version: string | null;
  readonly entries: readonly CatalogEntry[];
  /** Entry by site and normalised tag. */
  get(site: string, tag: string): CatalogEntry | undefined;
  /** Storage tanks (catalog `tanks:`), in file order. */
  readonly tanks: readonly Tank[];
}

export type CatalogResult =
  | { readonly ok: true; readonly catalog: Catalog }
  | { readonly ok: false; readonly reason: string; readonly problems: readonly Problem[] };

const schema = compileSchema(TagCatalog);

export function parseTagCatalog(input: string | unknown): CatalogResult {
  const read = readConfigDocument(input);
  if (!read.ok) return fail([read.problem]);
  const value = read.value;
  if (!schema.check(value)) return fail(schema.problems(value));
  const problems: Problem[] = [];
  const entries: CatalogEntry[] = [];
  const index = new Map<string, CatalogEntry>();
  const firstAt = new Map<string, number>();
  value.tags.forEach((entry, i) => {
    const kks = parseKks(entry.tag);
    if (!kks.ok) return void problems.push({ path: `tags[${i}].tag`, reason: kks.reason });
    const key = `${entry.site}\n${kks.kks.code}`;
    const earlier = firstAt.get(key);
    if (earlier !== undefined) {
      return void problems.push({
        path: `tags[${i}].tag`,
        reason: `${kks.kks.code} at site ${entry.site} is already listed at tags[${earlier}]; keep one entry`,
      });
    }
    firstAt.set(key, i);
    const normalised: CatalogEntry = { ...entry, tag: kks.kks.code, kks: kks.kks };
    entries.push(normalised);
    index.set(key, normalised);
  });
  const tanks = checkTanks(value.tanks ?? [], (site, tag) => index.has(`${site}\n${tag}`));
  problems.push(...tanks.problems);
  if (problems.length > 0) return fail(problems);
  return {
    ok: true,
    catalog: { version: value.version ?? null, entries, get: (site, tag) => index.get(`${site}\n${tag}`), tanks: tanks.tanks },
  };
}

function fail(problems: readonly Problem[]): CatalogResult {
  return { ok: false, reason: summarise('invalid tag catalog; fix it and upload the file again', problems), problems };
}
