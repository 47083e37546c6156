/**
 * The Lambda handler end to end: records put into kinesalite, read back with GetRecords and
 * wrapped exactly as the event-source mapping wraps them, aggregated into DynamoDB Local.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb"
import { CreateStreamCommand, type KinesisClient, PutRecordsCommand, type _Record } from "@aws-sdk/client-kinesis"
import type { KinesisStreamEvent } from "aws-lambda"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest"
import type { DecodeError } from "../../../src/errors.js"
import { type KinesisHandler, kinesisHandler, type KinesisHandlerOptions } from "../../../src/kinesis/lambda/index.js"
import { layerNoop } from "../../../src/metrics/noop.js"
import { count } from "../../../src/monoid/index.js"
import { type DeliveryStrategy, pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import { hourly } from "../../../src/window/Window.js"
import { createTables, DynamoState } from "../../../src/state/dynamodb/index.js"
import { localCredentials, type LocalKinesis, localKinesisClient, type Started, startKinesalite, startScoped } from "../../../src/local/index.js"
import { describeStream, kinesisEventFrom, readShard } from "../../support/kinesisEvent.js"

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
const decoder = schemaDecoder(PageView)
const claimsTable = "lambda-it-claims"
const hourMs = 3_600_000

/** Fault injection: decides per DynamoDB write whether it fails before or after reaching the table. */
type FaultRule = (command: string, entity: string | undefined) => "before" | "after" | undefined
let faultRule: FaultRule | undefined

const injected = () =>
  Object.assign(new Error("injected fault"), { name: "ProvisionedThroughputExceededException", $metadata: {} })

const makeClient = () => {
  const client = new DynamoDBClient({
    endpoint: inject("dynamodbEndpoint"),
    region: "us-east-1",
    credentials: localCredentials,
    maxAttempts: 1
  })
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: { pk?: { S?: string } }; TransactItems?: ReadonlyArray<{ Update?: { Key?: { pk?: { S?: string } } } }> }
      const entity = input.Key?.pk?.S ?? input.TransactItems?.find((item) => item.Update)?.Update?.Key?.pk?.S
      const fault = faultRule?.(context.commandName ?? "", entity)
      if (fault === "before") throw injected()
      const result = await next(args)
      if (fault === "after") throw injected()
      return result
    },
    { step: "initialize", name: "murmurFaultInjection" }
  )
  return client
}

let kinesalite: Started<LocalKinesis>
let kinesis: KinesisClient
let dynamo: DynamoDBClient
const handlers: Array<KinesisHandler> = []

beforeAll(async () => {
  dynamo = makeClient()
  kinesalite = await startScoped(startKinesalite)
  kinesis = localKinesisClient(kinesalite.endpoint)
  await Effect.runPromise(createTables({ client: dynamo, claimsTable }))
})

afterEach(async () => {
  faultRule = undefined
  await Promise.all(handlers.splice(0).map((handler) => handler.dispose()))
})

afterAll(async () => {
  kinesis?.destroy()
  dynamo?.destroy()
  await kinesalite?.close()
})

let streams = 0
/** A fresh one-shard stream, ACTIVE (kinesalite creates instantly), and a fresh aggregates table. */
const fixture = async (delivery: DeliveryStrategy = "auto") => {
  const name = `lambda-it-${++streams}`
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }))
  // kinesalite creates streams at once; a bounded number of looks, not a clock.
  let described = await describeStream(kinesis, name)
  for (let look = 0; look < 200 && described.shardIds.length === 0; look++) described = await describeStream(kinesis, name)
  const table = `${name}-aggregates`
  await Effect.runPromise(createTables({ client: dynamo, aggregates: [table] }))
  const views = pipeline({
    name: "views",
    key: (view: typeof PageView.Type) => view.page,
    monoid: count,
    window: hourly(),
    store: table,
    delivery
  })
  const source = { streamArn: described.streamArn, shardId: described.shardIds[0]! }
  const handler = (options: KinesisHandlerOptions = {}) => {
    const made = kinesisHandler(views, decoder, {
      layer: Layer.merge(DynamoState.layer({ client: dynamo, claimsTable }), layerNoop),
      retry: { baseMs: 1, capMs: 5 },
      ...options
    })
    handlers.push(made)
    return made
  }
  const put = async (payloads: ReadonlyArray<string>) => {
    for (let i = 0; i < payloads.length; i += 500) {
      const chunk = payloads.slice(i, i + 500)
      const response = await kinesis.send(
        new PutRecordsCommand({
          StreamName: name,
          Records: chunk.map((payload, j) => ({ Data: Buffer.from(payload), PartitionKey: `pk-${(i + j) % 13}` }))
        })
      )
      expect(response.FailedRecordCount ?? 0).toBe(0)
    }
  }
  const read = (atSequenceNumber?: string): Promise<Array<_Record>> =>
    readShard(kinesis, name, source.shardId, atSequenceNumber === undefined ? {} : { atSequenceNumber })
  const eventOf = (records: ReadonlyArray<_Record>): KinesisStreamEvent => kinesisEventFrom(records, source)
  return { table, views, handler, put, read, eventOf }
}

const context = (remaining = 60_000) => ({ getRemainingTimeInMillis: () => remaining }) as never

const views = (pages: ReadonlyArray<string>) => pages.map((page, i) => JSON.stringify({ page, user: `u${i}` }))

/** The counts the event's decodable records should leave, per (page, hour bucket). */
const expectedCounts = (event: KinesisStreamEvent): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const record of event.Records) {
    let page: string
    try {
      page = (JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8")) as { page: string }).page
    } catch {
      continue
    }
    if (typeof page !== "string") continue
    const bucket = Math.floor((record.kinesis.approximateArrivalTimestamp * 1000) / hourMs)
    const id = `${page}|${bucket}`
    counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}

/** Reads back every expected row and returns what DynamoDB holds for it. */
const storedCounts = async (table: string, expected: Map<string, number>): Promise<Map<string, number>> => {
  const stored = new Map<string, number>()
  for (const id of expected.keys()) {
    const [page, bucket] = id.split("|") as [string, string]
    const { Item } = await dynamo.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: page }, sk: { N: bucket } }, ConsistentRead: true })
    )
    stored.set(id, Item?.v?.N === undefined ? 0 : Number(Item.v.N))
  }
  return stored
}

const reported = (response: { batchItemFailures: ReadonlyArray<{ itemIdentifier: string }> }) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier)

describe("kinesisHandler against kinesalite and DynamoDB Local", () => {
  it("aggregates a batch read with GetRecords into hourly rows, exactly", async () => {
    const f = await fixture()
    await f.put(views(["home", "about", "home", "pricing", "home", "about"]))
    const event = f.eventOf(await f.read())
    expect(event.Records).toHaveLength(6)
    expect(event.Records[0]!.eventID).toMatch(/^shardId-000000000000:\d+$/)
    expect(reported(await f.handler()(event, context()))).toEqual([])
    const expected = expectedCounts(event)
    expect(await storedCounts(f.table, expected)).toEqual(expected)
  })

  it("builds its default DynamoDB layer from environment variables", async () => {
    const f = await fixture()
    await f.put(views(["env", "env", "other"]))
    const event = f.eventOf(await f.read())
    const names = ["MURMUR_DYNAMODB_ENDPOINT", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "MURMUR_CLAIMS_TABLE"]
    const saved = names.map((name) => [name, process.env[name]] as const)
    Object.assign(process.env, {
      MURMUR_DYNAMODB_ENDPOINT: inject("dynamodbEndpoint"),
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      MURMUR_CLAIMS_TABLE: claimsTable
    })
    try {
      const handler = kinesisHandler(f.views, decoder)
      handlers.push(handler)
      expect(reported(await handler(event, context()))).toEqual([])
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
    }
    const expected = expectedCounts(event)
    expect(await storedCounts(f.table, expected)).toEqual(expected)
  })

  it("reports a partly failed batch from the failed record; its redelivery ends with exact totals", async () => {
    const f = await fixture()
    const pages = Array.from({ length: 40 }, (_, i) => (i === 17 ? "bad" : i % 9 === 4 ? "flaky" : `page-${i % 5}`))
    await f.put(views(pages))
    const all = await f.read()
    const handler = f.handler()
    let flakyFaults = 0
    // "bad" always throttles; the first write of "flaky" is applied but its answer is lost.
    faultRule = (command, entity) =>
      entity === "bad" && command !== "GetItemCommand"
        ? "before"
        : entity === "flaky" && command === "UpdateItemCommand" && flakyFaults++ === 0
          ? "after"
          : undefined
    const failed = reported(await handler(f.eventOf(all), context()))
    const badSequence = all[17]!.SequenceNumber!
    expect(flakyFaults).toBeGreaterThan(0)
    expect(failed).toContain(badSequence)
    const lowest = failed.reduce((a, b) => (BigInt(a) < BigInt(b) ? a : b))
    expect(BigInt(lowest) <= BigInt(badSequence)).toBe(true)

    // Lambda retries every record from the lowest reported sequence number.
    faultRule = undefined
    const retry = f.eventOf(await f.read(lowest))
    expect(retry.Records[0]!.kinesis.sequenceNumber).toBe(lowest)
    expect(reported(await handler(retry, context()))).toEqual([])
    const expected = expectedCounts(f.eventOf(all))
    expect(await storedCounts(f.table, expected)).toEqual(expected)

    // Redelivering the whole batch again, twice at once, changes nothing.
    const again = await Promise.all([handler(f.eventOf(all), context()), f.handler()(f.eventOf(all), context())])
    expect(again.map(reported)).toEqual([[], []])
    expect(await storedCounts(f.table, expected)).toEqual(expected)
  })

  it("keeps exact totals with the claims strategy under redelivery", async () => {
    const f = await fixture("claims")
    await f.put(views(["a", "b", "a", "c", "a"]))
    const event = f.eventOf(await f.read())
    const handler = f.handler()
    expect(reported(await handler(event, context()))).toEqual([])
    expect(reported(await handler(event, context()))).toEqual([])
    const expected = expectedCounts(event)
    expect(await storedCounts(f.table, expected)).toEqual(expected)
  })

  it("skips undecodable records without reporting them, telling the callback", async () => {
    const f = await fixture()
    await f.put(["{\"page\":\"a\",\"user\":\"u\"}", "not json", "{\"page\":7}", "{\"page\":\"a\",\"user\":\"v\"}"])
    const all = await f.read()
    const seen: Array<[string, string, string]> = []
    const handler = f.handler({
      onDecodeError: (raw: Uint8Array, sequence: string, _partitionKey: string, error: DecodeError) => {
        seen.push([Buffer.from(raw).toString("utf8"), sequence, error.reason])
      }
    })
    const event = f.eventOf(all)
    expect(reported(await handler(event, context()))).toEqual([])
    expect(seen).toEqual([
      ["not json", all[1]!.SequenceNumber!, "json"],
      ["{\"page\":7}", all[2]!.SequenceNumber!, "schema"]
    ])
    const expected = expectedCounts(event)
    expect([...expected.values()]).toEqual([2])
    expect(await storedCounts(f.table, expected)).toEqual(expected)
  })

  it("reports the whole batch, writing nothing, when called past its deadline margin", async () => {
    const f = await fixture()
    await f.put(views(["a", "b"]))
    const all = await f.read()
    const event = f.eventOf(all)
    expect(reported(await f.handler()(event, context(500)))).toEqual(all.map((r) => r.SequenceNumber))
    const expected = expectedCounts(event)
    expect([...(await storedCounts(f.table, expected)).values()]).toEqual([0, 0])
  })

  it("processes a 10,000-record batch from the stream exactly", async () => {
    const f = await fixture()
    await f.put(views(Array.from({ length: 10_000 }, (_, i) => `page-${i % 100}`)))
    const all = await f.read()
    expect(all).toHaveLength(10_000)
    const event = f.eventOf(all)
    expect(reported(await f.handler()(event, context(900_000)))).toEqual([])
    const expected = expectedCounts(event)
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBe(10_000)
    expect(await storedCounts(f.table, expected)).toEqual(expected)
  }, 180_000)
})
