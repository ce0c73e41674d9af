// Tag catalog: what each KKS tag is (YAML in the config bucket, refreshed into BigQuery `tags`).
import Type, { type Static } from 'typebox';
import { SITE_PATTERN } from './reading-batch.ts';

const Text = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 256, description }));

export const TagCatalogEntry = Type.Object(
  {
    tag: Type.String({ minLength: 1, maxLength: 40, description: 'KKS code; normalised on load' }),
    site: Type.String({ pattern: SITE_PATTERN, description: 'Site the tag belongs to' }),
    description: Text('Plain description, e.g. "Feedwater pump A discharge pressure"'),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'Engineering unit' })),
    area: Text('Plant area, e.g. "tank farm"'),
    equipment: Text('Equipment name, e.g. "feed pump A"'),
    legacyName: Text('Name in the legacy SCADA/DCS'),
  },
  { additionalProperties: false },
);
export type TagCatalogEntry = Static<typeof TagCatalogEntry>;

export const TagCatalog = Type.Object(
  {
    version: Type.Optional(Type.String({ minLength: 1 })),
    tags: Type.Array(TagCatalogEntry),
  },
  { additionalProperties: false, title: 'TagCatalog', description: 'KKS tag catalog; (site, tag) is unique' },
);
export type TagCatalog = Static<typeof TagCatalog>;
