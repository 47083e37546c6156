/**
 * The polling Kinesis consumer: `runConsumer` reads every shard of a stream (one fiber per shard,
 * parents before children), commits each batch through the processor and checkpoints it.
 * Provide `KinesisApi` (`KinesisApi.layer` over `KinesisClient.layer(options)`, or your own for tests) and the
 * state services.
 */
export { runConsumer } from "./runConsumer.js"
export type { ConsumerConfig, ShardEvent, StartingPosition } from "./config.js"
export { type LeaseEvent, runWorker, type WorkerConfig, type WorkerOptions } from "./leases/index.js"
export { KinesisApi, type KinesisApiService, KinesisClient, type KinesisClientOptions } from "../stream/KinesisApi.js"
export { type ConsumerProgress, makeProgress, type ShardProgress } from "../stream/progress.js"
