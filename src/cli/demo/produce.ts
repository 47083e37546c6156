/** Creates the demo stream and puts the generated records onto it with PutRecords. */
import {
  CreateStreamCommand,
  type KinesisClient,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  waitUntilStreamExists
} from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import { DemoFailed } from "../errors.js"
import { fullJitterBackoff } from "../../retry/index.js"
import type { ProducedRecord } from "./generate.js"

/** PutRecords takes at most 500 records per call. */
export const putRecordsBatchSize = 500

const kinesisFailure = (operation: string) => (cause: unknown) =>
  new DemoFailed({ reason: "server", message: `${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, cause })

/** Creates a stream with `shards` shards and waits until it is active. */
export const createStream = (client: KinesisClient, stream: string, shards: number): Effect.Effect<void, DemoFailed> =>
  Effect.tryPromise({
    try: async (abortSignal) => {
      await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }), { abortSignal })
      await waitUntilStreamExists({ client, maxWaitTime: 60, abortSignal }, { StreamName: stream })
    },
    catch: kinesisFailure("CreateStream")
  })

/**
 * Puts one batch. Records PutRecords rejects (throttled) are put again, alone, after a
 * full-jitter pause: putting the whole batch again would duplicate the accepted ones.
 */
const putBatch = (client: KinesisClient, stream: string, batch: ReadonlyArray<PutRecordsRequestEntry>) => {
  let pending = batch
  const attempt = Effect.suspend(() =>
    Effect.tryPromise({
      try: (abortSignal) => client.send(new PutRecordsCommand({ StreamName: stream, Records: [...pending] }), { abortSignal }),
      catch: kinesisFailure("PutRecords")
    })
  ).pipe(
    Effect.flatMap((response) => {
      if ((response.FailedRecordCount ?? 0) > 0) pending = pending.filter((_, i) => response.Records?.[i]?.ErrorCode !== undefined)
      else pending = []
      return pending.length === 0
        ? Effect.void
        : Effect.fail(kinesisFailure("PutRecords")(`${pending.length} records were rejected`))
    })
  )
  return Effect.retry(attempt, { schedule: fullJitterBackoff({ baseMs: 100, capMs: 2_000 }), times: 10 })
}

/**
 * Puts the records in order, `putRecordsBatchSize` per call, calling `onPut` with the count of
 * each batch once it is stored.
 *
 * @example
 * yield* produce(client, "page-views", events.records, (n) => Ref.update(produced, (p) => p + n))
 */
export const produce = (
  client: KinesisClient,
  stream: string,
  records: ReadonlyArray<ProducedRecord>,
  onPut: (count: number) => Effect.Effect<void>
): Effect.Effect<void, DemoFailed> =>
  Effect.gen(function*() {
    for (let from = 0; from < records.length; from += putRecordsBatchSize) {
      const batch = records.slice(from, from + putRecordsBatchSize).map((record) => ({
        PartitionKey: record.partitionKey,
        Data: record.data
      }))
      yield* putBatch(client, stream, batch)
      yield* onPut(batch.length)
    }
  })
