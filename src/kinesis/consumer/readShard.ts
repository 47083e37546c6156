import { Clock, Effect, Stream } from "effect"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import type { Decoder } from "../../processor/types.js"
import type { CheckpointKey } from "../../state/Checkpoints.js"
import { commitBatch } from "./commitBatch.js"
import type { ResolvedConsumerConfig } from "./config.js"
import type { ShardPosition } from "../stream/position.js"
import { updateShardProgress } from "../stream/progress.js"
import { makeShardMeter } from "./shardMeter.js"
import { shardRecords } from "./shardRecords.js"

/**
 * Reads one shard from `start`, committing and checkpointing batch by batch, until the shard
 * ends (then it is checkpointed as finished) or the fiber is interrupted.
 */
export const readShard = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  config: ResolvedConsumerConfig,
  shardId: string,
  start: ShardPosition
) =>
  Effect.gen(function*() {
    const key: CheckpointKey = { app: config.app, stream: config.stream, shardId }
    const meter = yield* makeShardMeter(pipeline.name, shardId)
    yield* shardRecords(config, shardId, start).pipe(
      Stream.runForEach((batch) =>
        Effect.gen(function*() {
          const handled = yield* commitBatch(pipeline, decoder, config, key, batch)
          const checkpointed = batch.lastSequence !== undefined || batch.ended
          if (checkpointed) yield* meter.checkpointed
          yield* meter.batch(handled, batch.millisBehindLatest)
          const now = yield* Clock.currentTimeMillis
          yield* updateShardProgress(config.progress, shardId, (shard) => ({
            recordsProcessed: shard.recordsProcessed + handled,
            lastSequence: batch.lastSequence ?? shard.lastSequence,
            millisBehindLatest: batch.millisBehindLatest,
            finished: batch.ended,
            lastCheckpointAt: checkpointed ? now : shard.lastCheckpointAt
          }))
        })
      )
    )
  })
