import { Effect } from "effect"
import { StoreError } from "../../errors.js"
import { Metrics } from "../../metrics/Metrics.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import { processBatch } from "../../processor/processBatch.js"
import { fullJitterBackoff } from "../../retry/index.js"
import type { Decoder, RecordOutcome } from "../../processor/types.js"
import { type CheckpointKey, Checkpoints } from "../../state/Checkpoints.js"
import type { ResolvedConsumerConfig } from "./config.js"
import type { ShardBatch } from "./shardRecords.js"

/** The options `commitBatch` reads. */
export type CommitConfig = Pick<ResolvedConsumerConfig, "retry" | "onDecodeError">

/** Done for good: committed, already applied, or undecodable (skipped and reported). */
const isDone = (outcome: RecordOutcome) => outcome._tag !== "Failed" && outcome._tag !== "NotAttempted"

/** Why a batch is not done yet, as the error the retry loop reports. */
const notDoneError = (outcome: RecordOutcome | undefined): StoreError =>
  outcome?._tag === "Failed" && outcome.error._tag === "StoreError"
    ? outcome.error
    : new StoreError({
      operation: "processBatch",
      transient: true,
      message: outcome?._tag === "Failed" ? outcome.error.message : "records were not attempted",
      cause: outcome?._tag === "Failed" ? outcome.error : undefined
    })

/** Saves the batch's checkpoint; a newer checkpoint already in the store is left as it is. */
const saveCheckpoint = (key: CheckpointKey, batch: ShardBatch) =>
  Effect.gen(function*() {
    const checkpoints = yield* Checkpoints
    if (batch.lastSequence !== undefined) {
      yield* checkpoints.save(key, batch.lastSequence, { finished: batch.ended }).pipe(
        Effect.catchTag("StaleCheckpoint", (stale) =>
          Effect.flatMap(Metrics, (metrics) => metrics.error(`consumer:stale_checkpoint:${key.shardId}`, stale)))
      )
    } else if (batch.ended) {
      yield* checkpoints.finish(key)
    }
  })

/**
 * Commits one batch through the processor, then checkpoints its last sequence number (and marks
 * the shard finished when the batch ended it). Until every record is done, it retries from the
 * first record that is not, with full-jitter backoff, and never checkpoints: a shard cannot move
 * past a record whose deltas are not committed.
 *
 * Shutdown: each attempt (commit, then checkpoint) is uninterruptible, and the backoff between
 * attempts is where interruption lands. So an interrupted batch has either committed with its
 * checkpoint, or stops without a checkpoint; what it committed is re-read after a restart and
 * found already applied by the pipeline's fenced or claims strategy.
 *
 * @returns the number of records handled (always the whole batch).
 */
export const commitBatch = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  config: CommitConfig,
  key: CheckpointKey,
  batch: ShardBatch
) =>
  Effect.gen(function*() {
    const metrics = yield* Metrics
    let pending = batch.records
    const attempt = Effect.gen(function*() {
      if (pending.length > 0) {
        const result = yield* processBatch(pipeline, decoder, pending, {
          shardId: batch.shardId,
          inOrder: true,
          retry: config.retry,
          onDecodeError: config.onDecodeError
        })
        const firstNotDone = result.outcomes.findIndex((outcome) => !isDone(outcome))
        if (firstNotDone >= 0) {
          pending = pending.slice(firstNotDone)
          return yield* Effect.fail(notDoneError(result.outcomes.find((outcome) => outcome._tag === "Failed")))
        }
        pending = []
      }
      yield* saveCheckpoint(key, batch)
    }).pipe(Effect.uninterruptible)
    yield* attempt.pipe(
      Effect.tapError((error) =>
        Effect.zipRight(
          metrics.increment(`${pipeline.name}:consumer_batch_retry`),
          metrics.error(`${pipeline.name}:consumer_batch:${batch.shardId}`, error)
        )
      ),
      // A shard cannot skip a record: retry until it commits (or the fiber is interrupted).
      Effect.retry(fullJitterBackoff(config.retry)),
      // Unreachable: the schedule above never ends.
      Effect.orDie
    )
    return batch.records.length
  })

