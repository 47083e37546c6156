/**
 * A local stand-in for Lambda's Kinesis event-source mapping: one poller per shard reads with
 * GetRecords, invokes the handler with the event the mapping would build, and on reported
 * failures re-reads from the lowest reported sequence number, as AWS does
 * (`ReportBatchItemFailures`, ParallelizationFactor 1, unlimited retries). It lists the shards
 * once, so it does not follow a reshard.
 */
import type { _Record, GetRecordsCommandOutput } from "@aws-sdk/client-kinesis"
import type { KinesisStreamBatchResponse, KinesisStreamEvent, LambdaContext } from "../../kinesis/lambda/events.js"
import * as Effect from "effect/Effect"
import type * as SubscriptionRef from "effect/SubscriptionRef"
import type { KinesisError } from "../../errors.js"
import { KinesisApi } from "../../kinesis/stream/KinesisApi.js"
import { afterSequence, iteratorRequest, latest, type ShardPosition, trimHorizon } from "../../kinesis/stream/position.js"
import { type ConsumerProgress, updateShardProgress } from "../../kinesis/stream/progress.js"
import { listShards } from "../../kinesis/stream/shards.js"
import { compareSequence, isSequenceNumber } from "../../record/index.js"
import { fullJitterBackoff, retrySchedule } from "../../retry/index.js"
import { type EventSource, kinesisEventFrom, localContext } from "./lambdaEvent.js"

/** What the local event-source mapping invokes: any Kinesis Lambda handler. */
export type LocalHandler = (event: KinesisStreamEvent, context: LambdaContext) => Promise<KinesisStreamBatchResponse>

/** Options of `runLambdaPath`. */
export interface LambdaPathOptions {
  readonly stream: string
  /** Records per invocation at most (the mapping's `BatchSize`). Default 100, as AWS. */
  readonly batchSize?: number
  /** Where a shard starts. Default `TRIM_HORIZON`. */
  readonly startingPosition?: "TRIM_HORIZON" | "LATEST"
  /** Wait after an empty read. Default 1000 ms (the mapping polls each shard about once a second). */
  readonly pollIntervalMs?: number
  /** The function's timeout, seen by the handler through `getRemainingTimeInMillis`. Default 60 s. */
  readonly timeoutMs?: number
  readonly functionName?: string
  /** Put in each record's `awsRegion` and the default stream ARN. Default `us-east-1`. */
  readonly region?: string
  /** Each record's `eventSourceARN` (part of its event id). Default a local ARN for the stream. */
  readonly streamArn?: string
  /** Per-shard progress, in the polling consumer's shape (records acknowledged, lag). */
  readonly progress?: SubscriptionRef.SubscriptionRef<ConsumerProgress>
  /** Called for each failing Kinesis call; the poller backs off and re-reads from what it acknowledged. */
  readonly onKinesisError?: (shardId: string, error: KinesisError) => Effect.Effect<void>
}

/**
 * Index of the record with the lowest reported sequence number, or undefined when none failed.
 * An identifier that is not one of the batch's sequence numbers fails the whole batch (index 0), as on AWS.
 */
export const firstFailedIndex = (records: ReadonlyArray<_Record>, response: KinesisStreamBatchResponse): number | undefined => {
  const failures = response?.batchItemFailures ?? []
  if (failures.length === 0) return undefined
  let lowest: string | undefined
  for (const failure of failures) {
    const id: unknown = failure.itemIdentifier
    if (!isSequenceNumber(id)) return 0 // AWS retries the whole batch
    if (lowest === undefined || compareSequence(id, lowest) < 0) lowest = id
  }
  const found = lowest
  const index = found === undefined ? -1 : records.findIndex((record) => compareSequence(record.SequenceNumber ?? "0", found) === 0)
  return index < 0 ? 0 : index
}

/** Reads one shard from `start`, invoking the handler per batch, until it ends or is interrupted. */
const pollShard = (handler: LocalHandler, options: LambdaPathOptions, source: EventSource, start: ShardPosition) =>
  Effect.gen(function*() {
    const api = yield* KinesisApi
    const clock = yield* Effect.clock
    const batchSize = options.batchSize ?? 100
    const pollIntervalMs = options.pollIntervalMs ?? 1000
    const timeoutMs = options.timeoutMs ?? 60_000
    const functionName = options.functionName ?? "murmur-local"
    const kinesisBackoff = fullJitterBackoff({ baseMs: 200, capMs: 5_000 })
    let position = start
    const progress = (acknowledged: number, last: string | undefined, behind: number | undefined, ended: boolean) =>
      updateShardProgress(options.progress, source.shardId, (shard) => ({
        recordsProcessed: shard.recordsProcessed + acknowledged,
        lastSequence: last ?? shard.lastSequence,
        millisBehindLatest: behind ?? shard.millisBehindLatest,
        finished: ended,
        lastCheckpointAt: shard.lastCheckpointAt
      }))

    // One pass reads from `position` until an error; the caller backs off and starts another.
    const pass = Effect.gen(function*() {
      let iterator: string | undefined = yield* api.getShardIterator(iteratorRequest(options.stream, source.shardId, position))
      while (iterator !== undefined) {
        const response: GetRecordsCommandOutput = yield* api.getRecords({ ShardIterator: iterator, Limit: batchSize })
        const records = response.Records ?? []
        if (records.length === 0) {
          iterator = response.NextShardIterator
          yield* progress(0, undefined, response.MillisBehindLatest, iterator === undefined)
          if (iterator !== undefined) yield* Effect.sleep(pollIntervalMs)
          continue
        }
        const context = localContext(functionName, timeoutMs, () => clock.unsafeCurrentTimeMillis())
        const answer = yield* Effect.promise(() => handler(kinesisEventFrom(records, source), context))
        const failed = firstFailedIndex(records, answer)
        const acknowledged = failed ?? records.length
        const last = acknowledged > 0 ? records[acknowledged - 1]!.SequenceNumber : undefined
        const retryFrom = failed === undefined ? undefined : records[failed]!.SequenceNumber
        if (retryFrom !== undefined) position = { _tag: "AtSequence", sequence: retryFrom }
        else if (last !== undefined) position = afterSequence(last)
        yield* progress(acknowledged, last, response.MillisBehindLatest, false)
        if (failed === undefined) {
          iterator = response.NextShardIterator
        } else {
          // Retry from the lowest reported record, after a pause so a failing store is not hammered.
          yield* Effect.sleep(pollIntervalMs)
          iterator = yield* api.getShardIterator(iteratorRequest(options.stream, source.shardId, position))
        }
      }
    })
    yield* pass.pipe(
      Effect.tapError((error) => options.onKinesisError?.(source.shardId, error) ?? Effect.void),
      Effect.retry(kinesisBackoff)
    )
  })

/**
 * Feeds a Lambda handler from a stream as the event-source mapping does, one poller per shard,
 * until interrupted (or every shard is closed and read). Needs `KinesisApi` (the consumer's).
 *
 * @example
 * const handler = kinesisHandler(pageViews, decoder, { layer })
 * yield* runLambdaPath(handler, { stream: "clicks", batchSize: 500 }).pipe(Effect.provide(kinesisLayer))
 */
export const runLambdaPath = (handler: LocalHandler, options: LambdaPathOptions) =>
  Effect.gen(function*() {
    const region = options.region ?? "us-east-1"
    const streamArn = options.streamArn ?? `arn:aws:kinesis:${region}:000000000000:stream/${options.stream}`
    const shards = yield* listShards(options.stream).pipe(Effect.retry(retrySchedule({ maxAttempts: 5, baseMs: 200, capMs: 5_000 })))
    const start = options.startingPosition === "LATEST" ? latest : trimHorizon
    yield* Effect.forEach(
      shards,
      (shard) => pollShard(handler, options, { streamArn, shardId: shard.shardId, region }, start),
      { concurrency: "unbounded", discard: true }
    )
  })
