// Names of compacted objects: `<kind>/dt=DAY/site=S/compacted-<16 hex>.ndjson.gz`. The hash is over
// the sources, so retrying a compaction that stopped half-way writes to the same name (and the
// write, with ifGenerationMatch=0, finds it there). A gateway batch id starting with "compacted-"
// would look the same; the land function should refuse such ids (noted for the core owner).
export const COMPACTED_FILE_PREFIX = 'compacted-';
