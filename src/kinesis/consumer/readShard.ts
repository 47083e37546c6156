import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import type { Decoder } from "../../processor/types.js"
import type { CheckpointKey } from "../../state/Checkpoints.js"
import { commitBatch } from "./commitBatch.js"
import type { ResolvedConsumerConfig } from "./config.js"
import type { ShardPosition } from "../stream/position.js"
import { updateShardProgress } from "../stream/progress.js"
import { makeShardMeter } from "./shardMeter.js"
import { shardRecords } from "./shardRecords.js"

/** How reading a shard ended (interruption aside). */
export type ShardReadEnd = "Finished" | "Stopped"

/**
 * Reads one shard from `start`, committing and checkpointing batch by batch, until the shard
 * ends (then it is checkpointed as finished: `"Finished"`), a record that can never succeed stops
 * it under `deadLetter: "stop"` (`"Stopped"`, after a `ShardStopped` event), or the fiber is
 * interrupted.
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
    let stopped = false
    yield* shardRecords(config, shardId, start).pipe(
      Stream.runForEachWhile((batch) =>
        Effect.gen(function*() {
          const end = yield* commitBatch(pipeline, decoder, config, key, batch)
          const handled = end.records
          // Under "stop", the records before the one that stopped the shard are checkpointed.
          const lastSequence = end._tag === "Committed" ? batch.lastSequence : batch.records[handled - 1]?.sequence
          const finished = end._tag === "Committed" && batch.ended
          const checkpointed = lastSequence !== undefined || finished
          if (checkpointed) yield* meter.checkpointed
          yield* meter.batch(handled, batch.millisBehindLatest)
          const now = yield* Clock.currentTimeMillis
          yield* updateShardProgress(config.progress, shardId, (shard) => ({
            recordsProcessed: shard.recordsProcessed + handled,
            lastSequence: lastSequence ?? shard.lastSequence,
            millisBehindLatest: batch.millisBehindLatest,
            finished,
            lastCheckpointAt: checkpointed ? now : shard.lastCheckpointAt
          }))
          if (end._tag === "Committed") return true
          stopped = true
          yield* config.onShardEvent?.({ _tag: "ShardStopped", shardId, sequence: end.record.sequence, error: end.error }) ?? Effect.void
          return false
        })
      )
    )
    const end: ShardReadEnd = stopped ? "Stopped" : "Finished"
    return end
  })
