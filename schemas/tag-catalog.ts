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

/** One point of a tank's strapping table: a level (in the level tag's unit) and its volume. */
export const StrappingPoint = Type.Object(
  {
    level: Type.Number({ description: "Level, in the level tag's unit (e.g. % or m)" }),
    volume: Type.Number({ minimum: 0, description: "Volume at that level, in the tank's volumeUnit" }),
  },
  { additionalProperties: false },
);
export type StrappingPoint = Static<typeof StrappingPoint>;

const TagList = (description: string) => Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 64, description }));

/**
 * A storage tank: the live panel shows its stock and the tank balance views account for it. Its
 * level tag and flow tags are KKS codes of the same site, listed in `tags`.
 */
export const TankEntry = Type.Object(
  {
    site: Type.String({ pattern: SITE_PATTERN, description: 'Site the tank belongs to' }),
    tank: Type.String({ minLength: 1, maxLength: 64, description: 'Tank name, e.g. "TK-101" (unique per site)' }),
    product: Type.String({ minLength: 1, maxLength: 64, description: 'Product stored, e.g. "crude"' }),
    levelTag: Type.String({ minLength: 1, maxLength: 40, description: 'KKS code of the level measurement' }),
    capacity: Type.Number({ exclusiveMinimum: 0, description: 'Safe fill capacity, in volumeUnit' }),
    volumeUnit: Type.Optional(Type.String({ minLength: 1, maxLength: 16, description: 'Volume unit; default m3' })),
    strapping: Type.Array(StrappingPoint, {
      minItems: 2,
      maxItems: 1000,
      description: 'Level → volume, levels strictly increasing, volumes not decreasing; linear between points',
    }),
    inflowTags: TagList('Flow tags into the tank (receipts), in volumeUnit per hour'),
    outflowTags: TagList('Flow tags out of the tank (dispatches), in volumeUnit per hour'),
    description: Text('Plain description, e.g. "Crude storage tank TK-101"'),
  },
  { additionalProperties: false },
);
export type TankEntry = Static<typeof TankEntry>;

export const TagCatalog = Type.Object(
  {
    version: Type.Optional(Type.String({ minLength: 1 })),
    tags: Type.Array(TagCatalogEntry),
    tanks: Type.Optional(Type.Array(TankEntry, { description: 'Storage tanks; (site, tank) is unique' })),
  },
  { additionalProperties: false, title: 'TagCatalog', description: 'KKS tag catalog; (site, tag) is unique' },
);
export type TagCatalog = Static<typeof TagCatalog>;
