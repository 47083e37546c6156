/**
 * The polling Kinesis consumer: `runConsumer` reads every shard of a stream (one fiber per shard,
 * parents before children), commits each batch through the processor and checkpoints it.
 * Provide `KinesisApi` (the live layer over a `KinesisClient`, or your own for tests) and the
 * state services.
 */
export { runConsumer } from "./runConsumer.js"
export type { ConsumerConfig, ShardEvent, StartingPosition } from "./config.js"
export {
  KinesisApi,
  KinesisApiLive,
  type KinesisApiService,
  KinesisClientLive,
  type KinesisClientOptions,
  kinesisClientLayer,
  KinesisClientTag
} from "../stream/KinesisApi.js"
export { type ConsumerProgress, makeProgress, type ShardProgress } from "../stream/progress.js"
