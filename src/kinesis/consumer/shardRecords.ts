import type { GetRecordsCommandOutput } from "@aws-sdk/client-kinesis"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { KinesisError } from "../../errors.js"
import { consumerEventId } from "../../record/index.js"
import { fullJitterBackoff } from "../../retry/index.js"
import type { SourceRecord } from "../../processor/types.js"
import { minGetRecordsSpacingMs, type ResolvedConsumerConfig } from "./config.js"
import { KinesisApi } from "../stream/KinesisApi.js"
import { afterSequence, iteratorRequest, type ShardPosition } from "../stream/position.js"

/** One GetRecords response of one shard. */
export interface ShardBatch {
  readonly shardId: string
  /** In shard order; may be empty (an idle shard still reports its lag). */
  readonly records: ReadonlyArray<SourceRecord>
  /** Sequence number of the last record, `undefined` when `records` is empty. */
  readonly lastSequence: string | undefined
  readonly millisBehindLatest: number | undefined
  /** The shard is closed and this was its last response: nothing follows. */
  readonly ended: boolean
}

/** The options `shardRecords` reads. */
export type ShardReadConfig = Pick<
  ResolvedConsumerConfig,
  "stream" | "recordsPerCall" | "pollIntervalMs" | "kinesisBackoff" | "onGetRecordsError"
>

interface Cursor {
  readonly iterator: string | undefined
  /** Where a fresh iterator starts: the start position, then just after the last emitted record. */
  readonly resumeFrom: ShardPosition
  /** Earliest time of the next GetRecords call (rate limit and poll interval). */
  readonly nextCallAt: number
}

/** Tries again at once with a fresh iterator this many times before backing off. */
const immediateIteratorRefreshes = 3

const toSourceRecords = (
  stream: string,
  shardId: string,
  response: GetRecordsCommandOutput,
  nowMs: number
): ReadonlyArray<SourceRecord> =>
  (response.Records ?? []).map((record) => ({
    eventId: consumerEventId(stream, shardId, record.SequenceNumber),
    eventTimeMs: record.ApproximateArrivalTimestamp?.getTime() ?? nowMs,
    data: record.Data ?? new Uint8Array(),
    sequence: record.SequenceNumber,
    partitionKey: record.PartitionKey
  }))

/** One GetRecords response, after fetching an iterator when needed and riding out errors. */
const fetchPage = (config: ShardReadConfig, shardId: string, cursor: Cursor) =>
  Effect.gen(function*() {
    const api = yield* KinesisApi
    // Mutated across attempts: an expired iterator is dropped, the rate limit moves forward.
    let iterator = cursor.iterator
    let nextCallAt = cursor.nextCallAt
    const attempt = Effect.gen(function*() {
      if (iterator === undefined) {
        iterator = yield* api.getShardIterator(iteratorRequest(config.stream, shardId, cursor.resumeFrom))
      }
      const now = yield* Clock.currentTimeMillis
      if (nextCallAt > now) yield* Effect.sleep(Duration.millis(nextCallAt - now))
      nextCallAt = (yield* Clock.currentTimeMillis) + minGetRecordsSpacingMs
      return yield* api.getRecords({ ShardIterator: iterator, Limit: config.recordsPerCall })
    })
    const onError = (error: KinesisError): Effect.Effect<void> => {
      if (error.reason === "expired-iterator") {
        return Effect.sync(() => {
          iterator = undefined
        })
      }
      if (error.reason === "other" && config.onGetRecordsError !== undefined) return config.onGetRecordsError(shardId, error)
      return Effect.void
    }
    const response = yield* attempt.pipe(
      Effect.tapError(onError),
      Effect.retry({ while: (error) => error.reason === "expired-iterator", times: immediateIteratorRefreshes }),
      // A shard cannot be skipped: retry for as long as it takes, backing off with full jitter.
      Effect.retry(fullJitterBackoff(config.kinesisBackoff)),
      // Unreachable: the schedule above never ends.
      Effect.orDie
    )
    return { response, nextCallAt }
  })

/**
 * The records of one shard as a stream of batches, one per GetRecords response, from `start` to
 * the shard's end (a closed shard) or forever (an open one). At most one GetRecords call per
 * 200 ms, and `pollIntervalMs` after an empty response. An expired iterator is replaced by one
 * after the last emitted record; throttling and other errors back off with full jitter (other
 * errors also go to `onGetRecordsError`). The next call is made only when the consumer pulls, so
 * "last emitted" is "last processed" for a consumer that handles each batch before the next.
 *
 * @example
 * shardRecords(config, "shardId-000000000000", trimHorizon).pipe(
 *   Stream.runForEach((batch) => Console.log(batch.records.length, batch.lastSequence))
 * )
 */
export const shardRecords = (
  config: ShardReadConfig,
  shardId: string,
  start: ShardPosition
): Stream.Stream<ShardBatch, never, KinesisApi> =>
  Stream.paginateEffect<Cursor, ShardBatch, never, KinesisApi>(
    { iterator: undefined, resumeFrom: start, nextCallAt: 0 },
    (cursor) =>
      Effect.gen(function*() {
        const { response, nextCallAt } = yield* fetchPage(config, shardId, cursor)
        const now = yield* Clock.currentTimeMillis
        const records = toSourceRecords(config.stream, shardId, response, now)
        const lastSequence = records.length > 0 ? records[records.length - 1]!.sequence : undefined
        const ended = response.NextShardIterator === undefined || response.NextShardIterator === null
        const batch: ShardBatch = {
          shardId,
          records,
          lastSequence,
          millisBehindLatest: response.MillisBehindLatest,
          ended
        }
        const next: Cursor = {
          iterator: response.NextShardIterator,
          resumeFrom: lastSequence !== undefined ? afterSequence(lastSequence) : cursor.resumeFrom,
          nextCallAt: Math.max(nextCallAt, records.length === 0 ? now + config.pollIntervalMs : 0)
        }
        return [batch, ended ? Option.none() : Option.some(next)] as const
      })
  )
