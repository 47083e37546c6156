import * as Either from "effect/Either"
import type * as Effect from "effect/Effect"
import type * as SubscriptionRef from "effect/SubscriptionRef"
import { InvalidConfig, type DecodeError, type KinesisError } from "../../errors.js"
import type { SourceRecord } from "../../processor/types.js"
import { isSequenceNumber } from "../../record/sequence.js"
import { type Backoff, checkRetryPolicy, type RetryPolicy } from "../../retry/index.js"
import type { DeadLetterCallback, DeadLetterPolicy } from "../deadLetter.js"
import type { ConsumerProgress } from "../stream/progress.js"

/**
 * Where a shard without a checkpoint starts. Sequence numbers belong to one shard, so the
 * sequence positions map shard ids to sequence numbers; shards not in the map start at
 * TRIM_HORIZON (nothing is skipped).
 */
export type StartingPosition =
  | "LATEST"
  | "TRIM_HORIZON"
  | { readonly atTimestamp: Date }
  | { readonly atSequence: Readonly<Record<string, string>> }
  | { readonly afterSequence: Readonly<Record<string, string>> }

/** What happened to a shard, in the order it happened (logs, tests, the CLI). */
export type ShardEvent =
  | { readonly _tag: "ShardStarted"; readonly shardId: string; readonly parents: ReadonlyArray<string> }
  | { readonly _tag: "ShardFinished"; readonly shardId: string }
  /**
   * Under `deadLetter: "stop"`: the shard stopped before `sequence`, a record that can never
   * succeed (`error`). It is checkpointed just before it and not read again by this run; its
   * children wait. Restart (after fixing the cause, or with `"skip"`) to go on.
   */
  | {
    readonly _tag: "ShardStopped"
    readonly shardId: string
    readonly sequence: string | undefined
    readonly error: { readonly _tag: string; readonly message: string }
  }

/** Options of the polling consumer, as users write them. */
export interface ConsumerConfig {
  /** Consumer group name: checkpoints are kept per (app, stream, shard). */
  readonly app: string
  readonly stream: string
  /** Used only for shards without a checkpoint. Default `LATEST`. */
  readonly startingPosition?: StartingPosition
  /** Wait after an empty GetRecords response. Default 1000 ms. */
  readonly pollIntervalMs?: number
  /** GetRecords `Limit`. Default 1000, at most 10,000. */
  readonly recordsPerCall?: number
  /** Shards read at once. Default 32. */
  readonly maxShardConcurrency?: number
  /**
   * How often shards are re-listed to find children after a reshard. Default 10 s: KCL uses 60 s
   * and harlow 30 s, but a child waits for this tick (or for a parent of ours to finish), and one
   * ListShards call every 10 s is far below its 100 calls/s quota.
   */
  readonly shardSyncIntervalMs?: number
  /**
   * Commit attempts per row and their backoff, as the Lambda handler takes them; the backoff also
   * paces the retries of a whole batch and of checkpoint reads. Default 3 attempts, 50 ms, 5 s.
   */
  readonly retry?: Partial<RetryPolicy>
  /** Backoff for throttled or failing Kinesis calls. Default 200 ms base, 5 s cap (as harlow, plus jitter). */
  readonly kinesisBackoff?: Partial<Backoff>
  /**
   * A record that can never succeed (`canNeverSucceed`: DynamoDB rejected its value, key or row for
   * good): `"skip"` (default) hands it to `onDeadLetter`, counts `<pipeline>:dead_letter`, logs it
   * and checkpoints past it; `"stop"` checkpoints just before it, logs it, emits `ShardStopped` and
   * reads that shard no further in this run. Transient failures are retried with backoff under both.
   * The Lambda handler defaults to `"stop"` because Lambda bounds it (retry and age limits, an
   * on-failure destination); a consumer has no such bound, so `"stop"` would hold the shard and
   * its children until its records expire from the stream.
   */
  readonly deadLetter?: DeadLetterPolicy
  /**
   * Called once per record skipped under `"skip"`, before the checkpoint passes it (the Lambda
   * handler's callback). When it throws or rejects, the record is not skipped: the batch is retried
   * with backoff, and the callback called again.
   */
  readonly onDeadLetter?: DeadLetterCallback
  /** Called for each failing Kinesis call other than an expired iterator or throttling. */
  readonly onGetRecordsError?: (shardId: string, error: KinesisError) => Effect.Effect<void>
  readonly onDecodeError?: (record: SourceRecord, error: DecodeError) => Effect.Effect<void>
  readonly onShardEvent?: (event: ShardEvent) => Effect.Effect<void>
  /** Per-shard progress, updated after each batch (see `makeProgress`). */
  readonly progress?: SubscriptionRef.SubscriptionRef<ConsumerProgress>
}

/** A validated configuration with every default filled in. */
export interface ResolvedConsumerConfig {
  readonly app: string
  readonly stream: string
  readonly startingPosition: StartingPosition
  readonly pollIntervalMs: number
  readonly recordsPerCall: number
  readonly maxShardConcurrency: number
  readonly shardSyncIntervalMs: number
  readonly retry: RetryPolicy
  readonly kinesisBackoff: Backoff
  readonly deadLetter: DeadLetterPolicy
  readonly onDeadLetter: DeadLetterCallback | undefined
  readonly onGetRecordsError: ((shardId: string, error: KinesisError) => Effect.Effect<void>) | undefined
  readonly onDecodeError: ((record: SourceRecord, error: DecodeError) => Effect.Effect<void>) | undefined
  readonly onShardEvent: ((event: ShardEvent) => Effect.Effect<void>) | undefined
  readonly progress: SubscriptionRef.SubscriptionRef<ConsumerProgress> | undefined
}

/** Kinesis allows five GetRecords calls per second per shard: at least this much between two. */
export const minGetRecordsSpacingMs = 200

export const maxRecordsPerCall = 10_000

const streamNamePattern = /^[a-zA-Z0-9_.-]{1,128}$/

const fail = (field: string, message: string) => Either.left(new InvalidConfig({ field, message }))

const isWholeNumber = (value: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  Number.isInteger(value) && value >= min && value <= max

const checkPosition = (position: StartingPosition): InvalidConfig | undefined => {
  if (position === "LATEST" || position === "TRIM_HORIZON") return undefined
  if (typeof position !== "object" || position === null) {
    return new InvalidConfig({ field: "startingPosition", message: `unknown starting position ${String(position)}` })
  }
  if ("atTimestamp" in position) {
    const time = position.atTimestamp
    return time instanceof Date && Number.isFinite(time.getTime())
      ? undefined
      : new InvalidConfig({ field: "startingPosition", message: "atTimestamp needs a valid Date" })
  }
  const sequences = "atSequence" in position ? position.atSequence : "afterSequence" in position ? position.afterSequence : undefined
  if (sequences === undefined || typeof sequences !== "object") {
    return new InvalidConfig({ field: "startingPosition", message: "give LATEST, TRIM_HORIZON, atTimestamp, atSequence or afterSequence" })
  }
  for (const [shardId, sequence] of Object.entries(sequences)) {
    if (!isSequenceNumber(sequence)) {
      return new InvalidConfig({ field: "startingPosition", message: `shard ${shardId}: "${String(sequence)}" is not a sequence number` })
    }
  }
  return undefined
}

/**
 * Validates consumer options and fills in defaults, or says which field is wrong.
 *
 * @example
 * const config = consumerConfig({ app: "page-views", stream: "clicks", startingPosition: "TRIM_HORIZON" })
 * // Either.right({ ..., pollIntervalMs: 1000, recordsPerCall: 1000, ... })
 */
export const consumerConfig = (config: ConsumerConfig): Either.Either<ResolvedConsumerConfig, InvalidConfig> => {
  const app = typeof config.app === "string" ? config.app.trim() : ""
  if (app === "") return fail("app", "the consumer needs an app (consumer group) name")
  if (typeof config.stream !== "string" || !streamNamePattern.test(config.stream)) {
    return fail("stream", "the stream name must be 1-128 characters of a-z, A-Z, 0-9, _ . -")
  }
  const startingPosition = config.startingPosition ?? "LATEST"
  const badPosition = checkPosition(startingPosition)
  if (badPosition !== undefined) return Either.left(badPosition)
  const pollIntervalMs = config.pollIntervalMs ?? 1000
  if (!isWholeNumber(pollIntervalMs, 0)) return fail("pollIntervalMs", "pollIntervalMs must be a whole number ≥ 0")
  const recordsPerCall = config.recordsPerCall ?? 1000
  if (!isWholeNumber(recordsPerCall, 1, maxRecordsPerCall)) {
    return fail("recordsPerCall", `recordsPerCall must be a whole number from 1 to ${maxRecordsPerCall}`)
  }
  const maxShardConcurrency = config.maxShardConcurrency ?? 32
  if (!isWholeNumber(maxShardConcurrency, 1)) return fail("maxShardConcurrency", "maxShardConcurrency must be a whole number ≥ 1")
  const shardSyncIntervalMs = config.shardSyncIntervalMs ?? 10_000
  if (!isWholeNumber(shardSyncIntervalMs, 1)) return fail("shardSyncIntervalMs", "shardSyncIntervalMs must be a whole number ≥ 1")
  const retry = checkRetryPolicy(config.retry)
  if (Either.isLeft(retry)) return Either.left(retry.left)
  for (const [name, value] of Object.entries(config.kinesisBackoff ?? {})) {
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      return fail("kinesisBackoff", `kinesisBackoff.${name} must be a finite number ≥ 0`)
    }
  }
  const deadLetter = config.deadLetter ?? "skip"
  if (deadLetter !== "skip" && deadLetter !== "stop") return fail("deadLetter", `deadLetter must be "skip" or "stop"`)
  if (config.onDeadLetter !== undefined && typeof config.onDeadLetter !== "function") {
    return fail("onDeadLetter", "onDeadLetter must be a function")
  }
  return Either.right({
    app,
    stream: config.stream,
    startingPosition,
    pollIntervalMs,
    recordsPerCall,
    maxShardConcurrency,
    shardSyncIntervalMs,
    retry: retry.right,
    kinesisBackoff: { baseMs: config.kinesisBackoff?.baseMs ?? 200, capMs: config.kinesisBackoff?.capMs ?? 5_000 },
    deadLetter,
    onDeadLetter: config.onDeadLetter,
    onGetRecordsError: config.onGetRecordsError,
    onDecodeError: config.onDecodeError,
    onShardEvent: config.onShardEvent,
    progress: config.progress
  })
}
