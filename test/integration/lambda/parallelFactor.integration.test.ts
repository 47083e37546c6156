/**
 * Issue #20 on DynamoDB Local: two batches of one shard interleaved (what Lambda does with
 * ParallelizationFactor 2, one batch per partition key) through the fenced path lose records;
 * with the cold-start guard active nothing is lost.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest"
import { type KinesisHandler, kinesisHandler, type KinesisHandlerOptions } from "../../../src/kinesis/lambda/index.js"
import { LambdaMappings } from "../../../src/kinesis/lambda/LambdaMappings.js"
import { localCredentials } from "../../../src/local/index.js"
import { makeMemoryMetrics } from "../../../src/metrics/memory.js"
import { Metrics } from "../../../src/metrics/Metrics.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import { createTables, DynamoState } from "../../../src/state/dynamodb/index.js"
import { fakeContext, recordOf, reported, shardId, streamArn } from "../../unit/lambda/events.js"

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
const claimsTable = "parallel-it-claims"
let dynamo: DynamoDBClient
const handlers: Array<KinesisHandler> = []

beforeAll(async () => {
  dynamo = new DynamoDBClient({ endpoint: inject("dynamodbEndpoint"), region: "us-east-1", credentials: localCredentials, maxAttempts: 1 })
  await Effect.runPromise(createTables({ client: dynamo, claimsTable }))
})
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.dispose()))
})
afterAll(() => dynamo?.destroy())

let tables = 0
/** A fresh aggregates table and a factory of handlers (one per simulated container). */
const fixture = async () => {
  const table = `parallel-it-${++tables}`
  await Effect.runPromise(createTables({ client: dynamo, aggregates: [table] }))
  const views = pipeline({ name: "views", key: (view: typeof PageView.Type) => view.page, monoid: count, store: table })
  const container = (options: KinesisHandlerOptions & { readonly claims?: boolean; readonly factor?: number } = {}) => {
    const { claims = true, factor, ...rest } = options
    const metrics = makeMemoryMetrics()
    const state = claims ? DynamoState.layer({ client: dynamo, claimsTable }) : DynamoState.layer({ client: dynamo })
    const lambda = factor === undefined
      ? Layer.empty
      : LambdaMappings.layerMemory([{ eventSourceArn: streamArn, parallelizationFactor: factor, state: "Enabled" }])
    const handler = kinesisHandler(views, schemaDecoder(PageView), {
      layer: Layer.mergeAll(state, Layer.succeed(Metrics, metrics.service), lambda),
      functionName: "views-fn",
      mappingCheck: factor === undefined ? "off" : "warn",
      ...rest
    })
    handlers.push(handler)
    return Object.assign(handler, { metrics })
  }
  const stored = async (page: string) => {
    const { Item } = await dynamo.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: page }, sk: { N: "0" } }, ConsistentRead: true })
    )
    return Item === undefined ? undefined : { count: Number(Item.v?.N), marks: Object.keys(Item).filter((name) => name.startsWith("hwm_")) }
  }
  return { container, stored }
}

// Ten records of one shard, all counting page "/": with factor 2, partition key A's batch holds the
// odd ones and B's the even ones, and both run at once.
const shard = Array.from({ length: 10 }, (_, i) => recordOf(i + 1, JSON.stringify({ page: "/", user: `u${i}` })))
const batchA = { Records: shard.filter((_, i) => i % 2 === 0) }
const batchB = { Records: shard.filter((_, i) => i % 2 === 1) }

describe("ParallelizationFactor 2 on DynamoDB Local", () => {
  it("without the guard, the fenced path drops records of the interleaved batch as already applied", async () => {
    const f = await fixture()
    const a = f.container()
    const b = f.container()
    // B has served this shard before (record 0), so its in-batch check can tell what it never saw.
    expect(reported(await b({ Records: [recordOf(0, JSON.stringify({ page: "warm", user: "u" }))] }, fakeContext()))).toEqual([])
    expect(reported(await a(batchA, fakeContext()))).toEqual([])
    // B's commit finds the row's mark at record 9, inside its own range, and drops 2, 4, 6, 8.
    expect(reported(await b(batchB, fakeContext()))).toEqual([])
    const row = await f.stored("/")
    expect(row).toEqual({ count: 6, marks: [`hwm_${shardId}`] })
    expect(10 - row!.count).toBe(4) // lost, and every record answered as done
    // The free in-batch check saw it: records found applied that B was never given.
    expect(b.metrics.counter("views:suspected_parallel_mapping")).toBe(1)
  })

  it("with the guard and a claims table, delivery auto commits with claims: nothing lost, redelivery changes nothing", async () => {
    const f = await fixture()
    const a = f.container({ factor: 2 })
    const b = f.container({ factor: 2 })
    const answers = await Promise.all([a(batchA, fakeContext()), b(batchB, fakeContext())])
    expect(answers.map(reported)).toEqual([[], []])
    expect(await f.stored("/")).toEqual({ count: 10, marks: [] })
    // Lambda redelivers both batches (say, after a timeout): the claims answer them as duplicates.
    expect(reported(await b(batchA, fakeContext()))).toEqual([])
    expect(reported(await a(batchB, fakeContext()))).toEqual([])
    expect(await f.stored("/")).toEqual({ count: 10, marks: [] })
  })

  it("with the guard and no claims table, every record is reported and nothing written; with factor 1 the shard then ends exact", async () => {
    const f = await fixture()
    const a = f.container({ factor: 2, claims: false })
    const b = f.container({ factor: 2, claims: false })
    expect(reported(await a(batchA, fakeContext()))).toEqual(batchA.Records.map((r) => r.kinesis.sequenceNumber))
    expect(reported(await b(batchB, fakeContext()))).toEqual(batchB.Records.map((r) => r.kinesis.sequenceNumber))
    expect(await f.stored("/")).toBeUndefined()
    // The operator sets ParallelizationFactor 1: a new container gets the shard in order.
    const fixed = f.container({ factor: 1, claims: false })
    expect(reported(await fixed({ Records: shard }, fakeContext()))).toEqual([])
    expect(await f.stored("/")).toEqual({ count: 10, marks: [`hwm_${shardId}`] })
  })
})
