/**
 * The polling consumer end to end: records put into kinesalite, read by `runConsumer`, counted
 * into DynamoDB Local with checkpoints in DynamoDB Local. Exact totals after restarts,
 * resharding and expired iterators.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { ExpiredIteratorException, type KinesisClient } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import type { ShardEvent } from "../../../src/kinesis/consumer/index.js"
import { createTables, makeDynamoCheckpoints } from "../../../src/state/dynamodb/index.js"
import { localCredentials, type LocalKinesis, localKinesisClient, type Started, startKinesalite, startScoped } from "../../../src/local/index.js"
import { adjacentOpenShards, createStream, listAllShards, mergeShards, putRecords, splitShard } from "../../support/streams.js"
import { consumerLayer, consumerProgram, pages, runConsumerUntil, sum, totals, views } from "./support.js"

const checkpointsTable = "consumer-it-checkpoints"
const tables = ["consumer-it-basic", "consumer-it-restart", "consumer-it-reshard", "consumer-it-expired"]

let kinesalite: Started<LocalKinesis>
let kinesis: KinesisClient
let dynamo: DynamoDBClient

beforeAll(async () => {
  kinesalite = await startScoped(startKinesalite)
  kinesis = localKinesisClient(kinesalite.endpoint)
  dynamo = new DynamoDBClient({ endpoint: inject("dynamodbEndpoint"), region: "us-east-1", credentials: localCredentials, maxAttempts: 1 })
  await Effect.runPromise(createTables({ client: dynamo, aggregates: tables, checkpointsTable }))
})

afterAll(async () => {
  kinesis?.destroy()
  dynamo?.destroy()
  await kinesalite?.close()
})

const expectEvenTotals = (byPage: Record<string, number>, total: number) => {
  expect(Object.keys(byPage)).toHaveLength(pages)
  for (const value of Object.values(byPage)) expect(value).toBe(total / pages)
}

/** A shard's checkpoint as the DynamoDB checkpoint layer reads it. */
const checkpointOf = (app: string, stream: string, shardId: string) =>
  Effect.runPromise(makeDynamoCheckpoints(dynamo, checkpointsTable).get({ app, stream, shardId }))

describe("polling consumer on kinesalite + DynamoDB Local", () => {
  it("4 shards, 10,000 records: exact totals, and every shard checkpointed at its last record", async () => {
    const stream = "consumer-it-basic"
    await createStream(kinesis, stream, 4)
    await putRecords(kinesis, stream, views(10_000))
    const layer = consumerLayer(kinesis, dynamo, checkpointsTable)
    await runConsumerUntil(
      consumerProgram(stream, layer, { app: "basic", stream, startingPosition: "TRIM_HORIZON" }),
      async () => sum(await totals(dynamo, stream)) >= 10_000
    )
    const byPage = await totals(dynamo, stream)
    expect(sum(byPage)).toBe(10_000)
    expectEvenTotals(byPage, 10_000)
    const shards = await listAllShards(kinesis, stream)
    expect(shards).toHaveLength(4)
    for (const shard of shards) {
      const checkpoint = await checkpointOf("basic", stream, shard.ShardId!)
      expect(checkpoint._tag === "Some" && checkpoint.value.sequence).toMatch(/^\d+$/)
    }
  })

  it("stopped mid-stream and restarted (three times): exact totals", async () => {
    const stream = "consumer-it-restart"
    await createStream(kinesis, stream, 4)
    await putRecords(kinesis, stream, views(10_000))
    const layer = consumerLayer(kinesis, dynamo, checkpointsTable)
    // Small batches, so each stop lands in the middle of the stream.
    const program = consumerProgram(stream, layer, { app: "restart", stream, startingPosition: "TRIM_HORIZON", recordsPerCall: 200 })
    const seen: Array<number> = []
    for (const stop of [2_000, 5_000, 8_000]) {
      await runConsumerUntil(program, async () => sum(await totals(dynamo, stream)) >= stop)
      seen.push(sum(await totals(dynamo, stream)))
    }
    expect(seen[0]).toBeLessThan(10_000)
    // More records arrive while the consumer is down.
    await putRecords(kinesis, stream, views(2_000))
    await runConsumerUntil(program, async () => sum(await totals(dynamo, stream)) >= 12_000)
    const byPage = await totals(dynamo, stream)
    expect(sum(byPage)).toBe(12_000)
    expectEvenTotals(byPage, 12_000)
  })

  it("SplitShard and MergeShards mid-stream: parents read to the end before children start, exact totals", async () => {
    const stream = "consumer-it-reshard"
    await createStream(kinesis, stream, 2)
    await putRecords(kinesis, stream, views(2_000))
    const events: Array<ShardEvent> = []
    const layer = consumerLayer(kinesis, dynamo, checkpointsTable)
    const program = consumerProgram(stream, layer, {
      app: "reshard",
      stream,
      startingPosition: "TRIM_HORIZON",
      recordsPerCall: 100,
      onShardEvent: (event) => Effect.sync(() => void events.push(event))
    })
    let phase = 0
    await runConsumerUntil(program, async () => {
      const total = sum(await totals(dynamo, stream))
      if (phase === 0 && total >= 500) {
        phase = 1
        await splitShard(kinesis, stream, "shardId-000000000000")
        await putRecords(kinesis, stream, views(2_000))
      } else if (phase === 1 && total >= 2_500) {
        phase = 2
        const [left, right] = await adjacentOpenShards(kinesis, stream)
        await mergeShards(kinesis, stream, left, right)
        await putRecords(kinesis, stream, views(2_000))
      }
      return phase === 2 && total >= 6_000
    }, 60_000)
    const byPage = await totals(dynamo, stream)
    expect(sum(byPage)).toBe(6_000)
    expectEvenTotals(byPage, 6_000)

    const shards = await listAllShards(kinesis, stream)
    expect(shards.length).toBe(2 + 2 + 1)
    const order = events.map((e) => `${e._tag}:${e.shardId}`)
    let children = 0
    for (const shard of shards) {
      for (const parent of [shard.ParentShardId, shard.AdjacentParentShardId]) {
        if (parent === undefined) continue
        children++
        const finished = order.indexOf(`ShardFinished:${parent}`)
        expect(finished).toBeGreaterThanOrEqual(0)
        expect(order.indexOf(`ShardStarted:${shard.ShardId}`)).toBeGreaterThan(finished)
      }
    }
    expect(children).toBe(4) // two split children of one parent, one merge child of two parents
  })

  it("an expired iterator (injected with an SDK middleware) is replaced: exact totals", async () => {
    const stream = "consumer-it-expired"
    await createStream(kinesis, stream, 2)
    await putRecords(kinesis, stream, views(3_000))
    const client = localKinesisClient(kinesalite.endpoint)
    let getRecordsCalls = 0
    let injected = 0
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "GetRecordsCommand" && ++getRecordsCalls % 4 === 0) {
          injected++
          throw new ExpiredIteratorException({ message: "injected: iterator expired", $metadata: {} })
        }
        return next(args)
      },
      { step: "initialize", name: "expireIterators" }
    )
    const reported: Array<string> = []
    try {
      const layer = consumerLayer(client, dynamo, checkpointsTable)
      await runConsumerUntil(
        consumerProgram(stream, layer, {
          app: "expired",
          stream,
          startingPosition: "TRIM_HORIZON",
          recordsPerCall: 150,
          onGetRecordsError: (_, error) => Effect.sync(() => void reported.push(error.reason))
        }),
        async () => sum(await totals(dynamo, stream)) >= 3_000
      )
    } finally {
      client.destroy()
    }
    const byPage = await totals(dynamo, stream)
    expect(sum(byPage)).toBe(3_000)
    expectEvenTotals(byPage, 3_000)
    expect(injected).toBeGreaterThan(3)
    expect(reported).toEqual([]) // expired iterators are handled, not reported as errors
  })
})

