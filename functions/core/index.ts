// The pure core of plantlake: everything the functions (detect, land, notify, daily) need, in one
// import. No cloud client here; clock, ids and I/O come in as parameters.
export * from '../../schemas/index.ts';
export * from './resources.ts';
export { parseBatch, validateBatch, type BatchResult } from './batch.ts';
export { BATCH_LIMIT_ENV, DEFAULT_BATCH_LIMITS, MAX_PROBLEMS, readBatchLimits, type BatchLimits } from './batch-limits.ts';
export { parseKks, parseKksCached, normaliseKks, type KksCode, type KksResult } from './kks.ts';
export { measuredQuantity } from './measured-quantity.ts';
export { parseTagCatalog, type Catalog, type CatalogEntry, type CatalogResult } from './tag-catalog.ts';
export { checkTanks, stockAt, volumeAt, type Tank, type TankStock } from './tanks.ts';
export { parseRules, compileRules, type CompiledRules, type ResolvedRule, type RulesResult, type StatSettings } from './rules.ts';
export { evaluate, type Evaluation } from './alarms.ts';
export { emptyState, serializeState, deserializeState, type StateResult } from './alarm-state.ts';
export { eventId } from './alarm-events.ts';
export { shardOf, orderingKeyOf, splitByShard, checkShards, MAX_STATE_SHARDS } from './state-shards.ts';
export {
  mergeSnapshot,
  emptySnapshot,
  serializeSnapshot,
  deserializeSnapshot,
  DEFAULT_SNAPSHOT_SETTINGS,
  type LiveSnapshot,
  type LiveTag,
  type LiveAlarm,
  type SeriesBucket,
  type SnapshotSettings,
} from './live-snapshot.ts';
export {
  siteView,
  officeView,
  tagSeries,
  type SiteView,
  type OfficeView,
  type OfficeSite,
  type TankRow,
  type AlarmRow,
  type ProductTotal,
} from './panel-view.ts';
export { parsePanelAccess, mayView, permittedSites, isHeadOffice, memberCovers, accessSites, type PanelAccess, type AccessResult } from './panel-access.ts';
export { toReadingRow, toAlarmEventRow, toTagRow } from './rows.ts';
export {
  rawObjectName,
  rawContentHash,
  parseRawObjectName,
  readingsByDay,
  quarantineObjectName,
  sha256Hex,
  type RawObjectKey,
  isDay,
  dayStartMs,
  addDays,
  daysBetween,
  dayRange,
  dayBounds,
  KIND_PREFIX,
  parseObjectName,
  dayPrefix,
  gsUri,
  COMPACTED_FILE_PREFIX,
  COMPACTION_META,
  type ObjectKind,
  type ObjectName,
  type LakeObject,
} from './lake-paths.ts';
export { parseRfc3339, toUtcTimestamp, utcDay } from './time.ts';
export { formatProblem, summarise, type Problem } from './problems.ts';
export { decodeReadingsMessage, type ReadingsMessage, type MessageFormat } from './readings-message.ts';
export { decodeTelegraf, toQuality, type TelegrafResult } from './telegraf.ts';
export { parseTariffs, tariffRows, meterRows, type Tariffs, type TariffsResult, type TariffRow, type EnergyMeterRow } from './tariffs.ts';
