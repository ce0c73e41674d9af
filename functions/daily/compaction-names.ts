// Names of compacted objects: `<kind>/dt=DAY/site=S/compacted-<16 hex>.ndjson.gz`. The hash is over
// the sources, so retrying a compaction that stopped half-way writes to the same name (and the
// write, with ifGenerationMatch=0, finds it there). Batch ids may not start with "compacted-"
// (schemas/reading-batch.ts), so no landed batch can look like one.
export const COMPACTED_FILE_PREFIX = 'compacted-';
