/**
 * The state contracts: the services a backend provides (`Store`, `Cache`, `Deduper`,
 * `Checkpoints`) and the commit request the processor hands the store. Implement these to add a
 * backend; the in-memory and DynamoDB layers implement them.
 */
export { type Block, blockRange, coverRange, type FoldedBlock } from "./blocks.js"
export { Cache, type CachePolicy, type CacheService, defaultCachePolicy, type EntityBlocks } from "./Cache.js"
export { type Checkpoint, type CheckpointKey, Checkpoints, type CheckpointsService } from "./Checkpoints.js"
export { claimId, type CommitOutcome, type CommitRequest, type CommitStrategy, type Contribution } from "./Commit.js"
export { Deduper, type DeduperService } from "./Deduper.js"
export { type Lease, LeaseLost, type LeaseRow, Leases, type LeasesService, type TakeRequest } from "./Leases.js"
export { type RowKey, rowKeyId } from "./RowKey.js"
export { type BucketRow, Store, type StoreService } from "./Store.js"
export { isExpiredAt } from "./ttl.js"
