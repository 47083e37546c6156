import * as Effect from "effect/Effect"
import { StoreError } from "../../errors.js"
import { logBatchFailures } from "../../logging/index.js"
import { Metrics } from "../../metrics/Metrics.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import { processBatch } from "../../processor/processBatch.js"
import { fullJitterBackoff } from "../../retry/index.js"
import type { Decoder, RecordOutcome, SourceRecord } from "../../processor/types.js"
import { type CheckpointKey, Checkpoints } from "../../state/Checkpoints.js"
import type { Store } from "../../state/Store.js"
import { canNeverSucceed, deliverDeadLetter } from "../deadLetter.js"
import type { ResolvedConsumerConfig } from "./config.js"
import type { ShardBatch } from "./shardRecords.js"

/** The options `commitBatch` reads. */
export type CommitConfig = Pick<ResolvedConsumerConfig, "retry" | "onDecodeError" | "deadLetter" | "onDeadLetter">

/** A record's error, as dead letters and shard events carry it (the typed error itself). */
type ErrorSummary = { readonly _tag: string; readonly message: string }

/**
 * How a batch ended: every record done and the batch checkpointed, or (under `deadLetter:
 * "stop"`) stopped at a record that can never succeed, checkpointed just before it.
 */
export type BatchEnd =
  | { readonly _tag: "Committed"; readonly records: number }
  | { readonly _tag: "Stopped"; readonly records: number; readonly record: SourceRecord; readonly error: ErrorSummary }

type Failed = Extract<RecordOutcome, { _tag: "Failed" }>

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

/** Saves `sequence` as the shard's checkpoint; a newer checkpoint already in the store is left as it is. */
const saveCheckpoint = (key: CheckpointKey, sequence: string | undefined, ended: boolean) =>
  Effect.gen(function*() {
    const checkpoints = yield* Checkpoints
    if (sequence !== undefined) {
      yield* checkpoints.save(key, sequence, { finished: ended }).pipe(
        Effect.catchTag("StaleCheckpoint", (stale) =>
          Effect.flatMap(Metrics, (metrics) => metrics.error(`consumer:stale_checkpoint:${key.shardId}`, stale)))
      )
    } else if (ended) {
      yield* checkpoints.finish(key)
    }
  })

/** One structured line for a record given up on (`policy` says what became of it); no payload. */
const logDeadLetter = (pipeline: string, shardId: string, record: SourceRecord, outcome: Failed, policy: "skip" | "stop") =>
  logBatchFailures(pipeline, shardId, [record], [outcome]).pipe(
    Effect.annotateLogs({ deadLetter: policy === "skip" ? "skipped: checkpointed past it" : "shard stopped before it" })
  )

/**
 * Commits one batch through the processor, then checkpoints its last sequence number (and marks
 * the shard finished when the batch ended it).
 *
 * A record that can never succeed (`canNeverSucceed`: DynamoDB rejected its value, key or row for
 * good) never holds the shard forever. Under `deadLetter: "skip"` it goes to `onDeadLetter`, is
 * counted in `<pipeline>:dead_letter` and logged, and the batch goes on after it. Under `"stop"`
 * the records before it are checkpointed and the batch ends `Stopped` (the caller stops the shard).
 * Any other failure (transient, or a callback that failed) is retried from the first record that
 * is not done, with full-jitter backoff, without checkpointing: a shard never moves past a record
 * whose deltas are not committed or handed over.
 *
 * Shutdown: each attempt (commit, dead letters, then checkpoint) is uninterruptible, and the
 * backoff between attempts is where interruption lands. So an interrupted batch has either
 * committed with its checkpoint, or stops without a checkpoint; what it committed is re-read after
 * a restart and found already applied by the pipeline's fenced or claims strategy.
 *
 * @example
 * const end = yield* commitBatch(pipeline, decoder, config, { app, stream, shardId }, batch)
 * if (end._tag === "Stopped") return // deadLetter: "stop"
 */
export const commitBatch = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  config: CommitConfig,
  key: CheckpointKey,
  batch: ShardBatch
) =>
  Effect.gen(function*(): Effect.fn.Return<BatchEnd, never, Metrics | Checkpoints | Store> {
    const metrics = yield* Metrics
    let pending = batch.records
    /** Set when the shard stops at a dead letter under "stop". */
    let stopped: BatchEnd | undefined
    const attempt = Effect.gen(function*() {
      while (pending.length > 0) {
        const result = yield* processBatch(pipeline, decoder, pending, {
          shardId: batch.shardId,
          inOrder: true,
          retry: config.retry,
          onDecodeError: config.onDecodeError
        })
        const firstNotDone = result.outcomes.findIndex((outcome) => !isDone(outcome))
        if (firstNotDone < 0) break
        const outcome = result.outcomes[firstNotDone]!
        const record = pending[firstNotDone]!
        const rest = pending.slice(firstNotDone)
        if (outcome._tag !== "Failed" || !canNeverSucceed(outcome.error)) {
          pending = rest
          yield* logBatchFailures(pipeline.name, batch.shardId, pending, result.outcomes.slice(firstNotDone))
          return yield* Effect.fail(notDoneError(result.outcomes.find((o) => o._tag === "Failed")))
        }
        const error: ErrorSummary = outcome.error
        if (config.deadLetter === "stop") {
          yield* logDeadLetter(pipeline.name, batch.shardId, record, outcome, "stop")
          const done = batch.records.length - rest.length
          // Keep what was done: the restart begins at the record that stopped the shard.
          if (done > 0) yield* saveCheckpoint(key, batch.records[done - 1]!.sequence, false)
          stopped = { _tag: "Stopped", records: done, record, error }
          pending = rest
          return
        }
        const letter = { pipeline: pipeline.name, shardId: batch.shardId, record, error }
        if (!(yield* deliverDeadLetter(config.onDeadLetter, letter))) {
          pending = rest
          return yield* Effect.fail(notDoneError(outcome))
        }
        yield* logDeadLetter(pipeline.name, batch.shardId, record, outcome, "skip")
        yield* metrics.increment(`${pipeline.name}:dead_letter`)
        pending = rest.slice(1)
      }
      yield* saveCheckpoint(key, batch.lastSequence, batch.ended)
    }).pipe(Effect.uninterruptible)
    yield* attempt.pipe(
      Effect.tapError((error) =>
        Effect.zipRight(
          metrics.increment(`${pipeline.name}:consumer_batch_retry`),
          metrics.error(`${pipeline.name}:consumer_batch:${batch.shardId}`, error)
        )
      ),
      // Not done and not a dead letter: retry until it commits (or the fiber is interrupted).
      Effect.retry(fullJitterBackoff(config.retry)),
      // Unreachable: the schedule above never ends.
      Effect.orDie
    )
    return stopped ?? { _tag: "Committed", records: batch.records.length }
  })
