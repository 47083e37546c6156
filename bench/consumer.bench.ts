/**
 * Polling consumer bench: end-to-end records per second from kinesalite to DynamoDB Local
 * (20,000 JSON page views on 4 shards, 100 pages, counted per page), `runConsumer` from
 * TRIM_HORIZON until every record is committed, against a same-run plain SDK loop doing the same
 * work: per shard, GetRecords (1000 a call) then, per batch, counts coalesced per page and one
 * `UpdateItem ADD` per page, 16 in flight (the processor's default commit concurrency). The consumer also fences each row, checkpoints each batch and keeps
 * to 5 GetRecords per second per shard; the loop does none of that (it is not exactly-once).
 * Run alone with `npx tsx bench/consumer.bench.ts`, or through `npm run bench`.
 */
import { DynamoDBClient, ScanCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb"
import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { KinesisApi, KinesisClient as MurmurKinesisClient, makeProgress, runConsumer } from "../src/kinesis/consumer/index.js"
import { layerNoop } from "../src/metrics/noop.js"
import { count } from "../src/monoid/index.js"
import { pipeline } from "../src/pipeline/index.js"
import { schemaDecoder } from "../src/processor/schemaDecoder.js"
import { createTables, DynamoState } from "../src/state/dynamodb/index.js"
import { localCredentials, localKinesisClient, startDynamoDbLocal, startKinesalite, startScoped } from "../src/local/index.js"
import { createStream, listAllShards, putRecords } from "../test/support/streams.js"
import { type BenchResult, formatResult, isMain, median, registerBench } from "./report.js"

const recordCount = 20_000
const shardCount = 4
const pageCount = 100
const rounds = 3
const commitConcurrency = 16
const stream = "bench-consumer"
const checkpointsTable = "bench-consumer-checkpoints"

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
const decoder = schemaDecoder(PageView)
const views = Array.from({ length: recordCount }, (_, i) => ({ page: `page-${i % pageCount}`, user: `user-${i % 997}` }))
const utf8 = new TextDecoder()

const tableTotal = async (dynamo: DynamoDBClient, table: string): Promise<number> => {
  let total = 0
  let start: Record<string, never> | undefined
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }))
    for (const item of page.Items ?? []) total += Number(item.v?.N ?? 0)
    start = page.LastEvaluatedKey as Record<string, never> | undefined
  } while (start !== undefined)
  return total
}

/** The plain loop: every shard in parallel, read to the first empty response (all records are in). */
const plainLoop = async (kinesis: KinesisClient, dynamo: DynamoDBClient, table: string, shardIds: ReadonlyArray<string>) => {
  await Promise.all(shardIds.map(async (shardId) => {
    const start = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }))
    let iterator = start.ShardIterator
    while (iterator !== undefined) {
      const response = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }))
      const records = response.Records ?? []
      if (records.length === 0) break
      const counts = new Map<string, number>()
      for (const record of records) {
        const view = JSON.parse(utf8.decode(record.Data!)) as { page: string }
        counts.set(view.page, (counts.get(view.page) ?? 0) + 1)
      }
      // 16 writes in flight per shard, as the processor's default commit concurrency.
      const writes = [...counts]
      for (let at = 0; at < writes.length; at += commitConcurrency) {
        await Promise.all(writes.slice(at, at + commitConcurrency).map(([page, n]) =>
          dynamo.send(new UpdateItemCommand({
            TableName: table,
            Key: { pk: { S: page }, sk: { N: "0" } },
            UpdateExpression: "ADD v :n",
            ExpressionAttributeValues: { ":n": { N: String(n) } }
          }))
        ))
      }
      iterator = response.NextShardIterator
    }
  }))
}

/** The consumer from TRIM_HORIZON until its progress shows every record committed. */
const consumerRun = (kinesis: KinesisClient, dynamo: DynamoDBClient, table: string, app: string) =>
  Effect.gen(function*() {
    const progress = yield* makeProgress
    const pageViews = pipeline({ name: table, store: table, key: (e: { page: string }) => e.page, monoid: count })
    const fiber = yield* Effect.fork(runConsumer(pageViews, decoder, { app, stream, startingPosition: "TRIM_HORIZON", progress }))
    yield* progress.changes.pipe(
      Stream.takeUntil((p) => Object.values(p.shards).reduce((sum, shard) => sum + shard.recordsProcessed, 0) >= recordCount),
      Stream.runDrain
    )
    yield* Fiber.interrupt(fiber)
  }).pipe(
    Effect.provide(Layer.mergeAll(
      KinesisApi.layer.pipe(Layer.provide(MurmurKinesisClient.layerClient(kinesis))),
      DynamoState.layer({ client: dynamo, checkpointsTable }),
      layerNoop
    ))
  )

const timed = async (work: () => Promise<void>): Promise<number> => {
  const started = performance.now()
  await work()
  return performance.now() - started
}

/** Runs both contenders `rounds` times, alternating, each into fresh tables; checks exact totals. */
export const runConsumerBench = async (): Promise<BenchResult> => {
  const kinesalite = await startScoped(startKinesalite)
  const dynamoLocal = await startScoped(startDynamoDbLocal)
  const kinesis = localKinesisClient(kinesalite.endpoint)
  const dynamo = new DynamoDBClient({ endpoint: dynamoLocal.endpoint, region: "us-east-1", credentials: localCredentials, maxAttempts: 1 })
  try {
    await createStream(kinesis, stream, shardCount)
    await putRecords(kinesis, stream, views, (i) => `user-${i}`)
    const shardIds = (await listAllShards(kinesis, stream)).map((shard) => shard.ShardId!)
    const tables = Array.from({ length: rounds }, (_, i) => [`bench-plain-${i}`, `bench-consumer-${i}`] as const)
    await Effect.runPromise(createTables({ client: dynamo, aggregates: tables.flat(), checkpointsTable }))
    const plain: Array<number> = []
    const consumer: Array<number> = []
    for (const [index, [plainTable, consumerTable]] of tables.entries()) {
      plain.push(await timed(() => plainLoop(kinesis, dynamo, plainTable, shardIds)))
      consumer.push(await timed(() => Effect.runPromise(consumerRun(kinesis, dynamo, consumerTable, `bench-${index}`))))
      for (const table of [plainTable, consumerTable]) {
        const total = await tableTotal(dynamo, table)
        if (total !== recordCount) throw new Error(`${table}: total ${total}, expected ${recordCount}`)
      }
    }
    const perSecond = (ms: number) => Math.round((recordCount * 1000) / ms)
    const plainMs = median(plain)
    const consumerMs = median(consumer)
    return {
      title: `Polling consumer: ${recordCount} records, ${shardCount} shards, kinesalite → DynamoDB Local (median of ${rounds})`,
      baseline: { name: "plain SDK loop (GetRecords + UpdateItem ADD per page per batch)", ms: plainMs },
      figures: [{ name: "runConsumer (fenced, checkpointed, rate-limited)", ms: consumerMs }],
      notes: [
        `Records per second: plain loop ${perSecond(plainMs)}, consumer ${perSecond(consumerMs)}; ` +
        `consumer throughput is ${(plainMs / consumerMs).toFixed(2)}× the plain loop's. Totals checked exact in every round.`
      ]
    }
  } finally {
    kinesis.destroy()
    dynamo.destroy()
    await kinesalite.close()
    await dynamoLocal.close()
  }
}

registerBench({ name: "consumer", run: runConsumerBench })

if (isMain(import.meta.url)) {
  console.log(formatResult(await runConsumerBench()).join("\n"))
}
