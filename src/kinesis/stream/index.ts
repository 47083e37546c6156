/**
 * Reading a Kinesis stream, shared by the polling consumer and the CLI's local Lambda
 * event-source mapping: the Kinesis calls as a service, shard listing, iterator positions and
 * per-shard progress. Internal: users reach the parts they need through `murmur-ts/consumer`.
 */
export { classifyKinesisError, KinesisApi, type KinesisApiService, KinesisClient, type KinesisClientOptions } from "./KinesisApi.js"
export { afterSequence, iteratorRequest, latest, type ShardPosition, trimHorizon } from "./position.js"
export { type ConsumerProgress, makeProgress, type ShardProgress, updateShardProgress } from "./progress.js"
export { listShards, parentsDone, type ShardInfo } from "./shards.js"
