// The contracts of plantlake (DESIGN.md "Contracts"): one definition each, TypeBox giving both the
// runtime JSON Schema and the TypeScript type. JSON_SCHEMAS lists what write-json-schemas.ts writes.
import { AlarmEvent } from './alarm-event.ts';
import { AlarmState } from './alarm-state.ts';
import { ReadingBatch } from './reading-batch.ts';
import { AlarmEventRow, ReadingRow, TagRow } from './rows.ts';
import { RulesDocument } from './rules.ts';
import { TagCatalog } from './tag-catalog.ts';
import { TariffsDocument } from './tariffs.ts';

export * from './alarm-event.ts';
export * from './alarm-state.ts';
export * from './reading-batch.ts';
export * from './rows.ts';
export * from './rules.ts';
export * from './tag-catalog.ts';
export * from './tariffs.ts';

/** File stem (schemas/<stem>.schema.json) → schema. */
export const JSON_SCHEMAS = {
  'reading-batch': ReadingBatch,
  'alarm-event': AlarmEvent,
  rules: RulesDocument,
  'tag-catalog': TagCatalog,
  'reading-row': ReadingRow,
  'alarm-event-row': AlarmEventRow,
  'tag-row': TagRow,
  'alarm-state': AlarmState,
  tariffs: TariffsDocument,
} as const;
