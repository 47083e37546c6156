import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type { KinesisError } from "../../errors.js"
import { periodicFlush } from "../../metrics/emf.js"
import { Metrics } from "../../metrics/Metrics.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import { retrySchedule } from "../../retry/index.js"
import type { Decoder } from "../../processor/types.js"
import { type Checkpoint, Checkpoints } from "../../state/Checkpoints.js"
import { type ConsumerConfig, consumerConfig, type ResolvedConsumerConfig, type ShardEvent } from "./config.js"
import { afterSequence, type ShardPosition, trimHorizon } from "../stream/position.js"
import { readShard } from "./readShard.js"
import { configuredPosition } from "./startingPosition.js"
import { listShards, parentsDone, type ShardInfo } from "../stream/shards.js"

/** What the scheduler decided for a shard it has not started yet. */
type Plan =
  | { readonly _tag: "Finished" }
  | { readonly _tag: "Wait" }
  | { readonly _tag: "Skip" }
  | { readonly _tag: "Read"; readonly start: ShardPosition }

/**
 * Where a shard without a sequence checkpoint starts. A child of a shard this group read to the
 * end continues that history from its first record (as KCL does), or from the timestamp when one
 * is configured; any other shard starts at the configured position (leased workers too).
 *
 * @example
 * firstPosition(config, { shardId: "shardId-000000000002", parents: ["shardId-000000000000"], closed: false }, true) // trimHorizon
 */
export const firstPosition = (config: ResolvedConsumerConfig, shard: ShardInfo, parentRead: boolean): ShardPosition => {
  if (!parentRead) return configuredPosition(config.startingPosition, shard.shardId)
  const position = config.startingPosition
  return typeof position === "object" && "atTimestamp" in position
    ? { _tag: "AtTimestamp", time: position.atTimestamp }
    : trimHorizon
}

/**
 * Runs a pipeline from a Kinesis stream until interrupted: lists the shards (and re-lists them
 * every `shardSyncIntervalMs`, or as soon as a shard finishes), reads each readable shard in its
 * own fiber (at most `maxShardConcurrency` at once), commits each GetRecords response through the
 * processor and checkpoints it afterwards. A child shard starts only once its parents are read to
 * the end and checkpointed as finished (or are trimmed away); a finished shard is never read
 * again. A closed shard with no checkpoint is skipped under `LATEST` (nothing can follow "latest"
 * in it).
 *
 * Fails at once with `InvalidConfig`, or with `KinesisError` when the first shard listing keeps
 * failing; after that it only stops when interrupted (graceful shutdown: see `commitBatch`).
 *
 * @example
 * const program = runConsumer(pageViews, schemaDecoder(PageView), {
 *   app: "page-views",
 *   stream: "clicks",
 *   startingPosition: "TRIM_HORIZON"
 * }).pipe(Effect.provide(layers))
 * NodeRuntime.runMain(program) // SIGINT/SIGTERM interrupt it
 */
export const runConsumer = <E, V>(pipeline: Pipeline<E, V>, decoder: Decoder<E>, input: ConsumerConfig) =>
  Effect.gen(function*() {
    const config = yield* consumerConfig(input)
    const checkpoints = yield* Checkpoints
    const metrics = yield* Metrics
    // With EMF metrics provided, write them every flush interval and once more at shutdown.
    yield* periodicFlush
    const semaphore = yield* Effect.makeSemaphore(config.maxShardConcurrency)
    const fibers = yield* FiberSet.make<void, never>()
    // A finished shard wakes the scheduler, so its children start without waiting for the tick.
    const wake = yield* Queue.sliding<void>(1)
    const started = new Set<string>()
    /** Read to the end (finished checkpoint), or skipped. */
    const finished = new Set<string>()
    /** Has a finished checkpoint: this group read it, so its children continue its history. */
    const readToEnd = new Set<string>()

    const emit = (event: ShardEvent) => config.onShardEvent?.(event) ?? Effect.void
    const keyOf = (shardId: string) => ({ app: config.app, stream: config.stream, shardId })
    const getCheckpoint = (shardId: string) =>
      checkpoints.get(keyOf(shardId)).pipe(
        Effect.retry(retrySchedule(config.retry)),
        Effect.tapError((error) => metrics.error(`${pipeline.name}:consumer_checkpoint_read:${shardId}`, error)),
        Effect.either
      )

    const parentWasRead = (shard: ShardInfo) =>
      Effect.gen(function*() {
        for (const parent of shard.parents) {
          if (readToEnd.has(parent)) return true
          const checkpoint = yield* getCheckpoint(parent)
          if (Either.isRight(checkpoint) && Option.exists(checkpoint.right, (c) => c.finished)) return true
        }
        return false
      })

    const plan = (shard: ShardInfo, checkpoint: Option.Option<Checkpoint>, listed: ReadonlySet<string>) =>
      Effect.gen(function*(): Effect.fn.Return<Plan> {
        if (Option.exists(checkpoint, (c) => c.finished)) return { _tag: "Finished" }
        if (!parentsDone(shard, listed, finished)) return { _tag: "Wait" }
        const sequence = Option.getOrUndefined(checkpoint)?.sequence
        if (sequence !== undefined) return { _tag: "Read", start: afterSequence(sequence) }
        const start = firstPosition(config, shard, yield* parentWasRead(shard))
        return start._tag === "Latest" && shard.closed ? { _tag: "Skip" } : { _tag: "Read", start }
      })

    const markFinished = (shardId: string, read: boolean) =>
      Effect.sync(() => {
        started.add(shardId)
        finished.add(shardId)
        if (read) readToEnd.add(shardId)
      })

    const startShard = (shardId: string, start: ShardPosition, parents: ReadonlyArray<string>) => {
      started.add(shardId)
      const run = Effect.gen(function*() {
        yield* emit({ _tag: "ShardStarted", shardId, parents })
        // Stopped at a dead letter (deadLetter: "stop"): not finished, so its children wait.
        if ((yield* readShard(pipeline, decoder, config, shardId, start)) === "Stopped") return
        yield* markFinished(shardId, true)
        yield* emit({ _tag: "ShardFinished", shardId })
      })
      return FiberSet.run(fibers, semaphore.withPermits(1)(run).pipe(Effect.zipRight(Queue.offer(wake, undefined))))
    }

    /** Starts every shard that has become readable; repeats while skipping a shard unblocks another. */
    const sync = (shards: ReadonlyArray<ShardInfo>) =>
      Effect.gen(function*() {
        const listed = new Set(shards.map((shard) => shard.shardId))
        let progressed = true
        while (progressed) {
          progressed = false
          for (const shard of shards) {
            if (started.has(shard.shardId)) continue
            const checkpoint = yield* getCheckpoint(shard.shardId)
            if (Either.isLeft(checkpoint)) continue
            const decision = yield* plan(shard, checkpoint.right, listed)
            if (decision._tag === "Finished" || decision._tag === "Skip") {
              yield* markFinished(shard.shardId, decision._tag === "Finished")
              progressed = true
            } else if (decision._tag === "Read") {
              yield* startShard(shard.shardId, decision.start, shard.parents)
            }
          }
        }
      })

    const relist = listShards(config.stream).pipe(
      Effect.retry(retrySchedule({ ...config.kinesisBackoff, maxAttempts: config.retry.maxAttempts }))
    )
    yield* sync(yield* relist)
    const resync = Effect.gen(function*() {
      yield* Effect.race(Effect.sleep(config.shardSyncIntervalMs), Queue.take(wake))
      const shards = yield* relist.pipe(Effect.either)
      if (Either.isLeft(shards)) {
        // Keep reading the shards we have; the next tick lists again.
        yield* metrics.error(`${pipeline.name}:consumer_list_shards`, shards.left satisfies KinesisError)
        return
      }
      yield* sync(shards.right)
    })
    // A shard fiber only ends by finishing; a defect in one stops the consumer (join fails).
    yield* Effect.raceFirst(Effect.forever(resync), FiberSet.join(fibers))
    return yield* Effect.never
  }).pipe(Effect.scoped)
