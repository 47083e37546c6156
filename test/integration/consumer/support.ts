import { type DynamoDBClient, ScanCommand } from "@aws-sdk/client-dynamodb"
import type { KinesisClient } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import {
  type ConsumerConfig,
  KinesisApi,
  KinesisClient as MurmurKinesisClient,
  runConsumer
} from "../../../src/kinesis/consumer/index.js"
import { layerNoop } from "../../../src/metrics/noop.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import { DynamoState } from "../../../src/state/dynamodb/index.js"

export const PageView = Schema.Struct({ page: Schema.String })
export const decoder = schemaDecoder(PageView)
export const pages = 10
export const views = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ page: `p${(offset + i) % pages}` }))

/** A count-per-page pipeline over its own table. */
export const pageViews = (table: string) =>
  pipeline({ name: table, store: table, key: (e: { page: string }) => e.page, monoid: count })

/** Kinesis (through `client`) plus DynamoDB Local state with checkpoints. */
export const consumerLayer = (kinesis: KinesisClient, dynamo: DynamoDBClient, checkpointsTable: string) =>
  Layer.mergeAll(
    KinesisApi.layer.pipe(Layer.provide(MurmurKinesisClient.layerClient(kinesis))),
    DynamoState.layer({ client: dynamo, checkpointsTable }),
    layerNoop
  )

/** Per-page totals of a table (all-time rows), read with a Scan. */
export const totals = async (dynamo: DynamoDBClient, table: string): Promise<Record<string, number>> => {
  const result: Record<string, number> = {}
  let start: Record<string, never> | undefined
  do {
    const page = await dynamo.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }))
    for (const item of page.Items ?? []) result[item.pk!.S!] = Number(item.v!.N!)
    start = page.LastEvaluatedKey as Record<string, never> | undefined
  } while (start !== undefined)
  return result
}

export const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0)

/**
 * Runs the consumer in a fiber until `done()` holds (polled every 50 ms, failing after
 * `deadlineMs`), then interrupts it as SIGTERM would. A consumer that stops by itself fails the test.
 */
export const runConsumerUntil = async (
  program: Effect.Effect<never, unknown, never>,
  done: () => Promise<boolean>,
  deadlineMs = 45_000
): Promise<void> => {
  const fiber = Effect.runFork(program)
  try {
    const until = Date.now() + deadlineMs
    for (;;) {
      const exited = fiber.unsafePoll()
      if (exited !== null) throw new Error(`consumer stopped: ${String(Exit.isFailure(exited) ? exited.cause : "success")}`)
      if (await done()) return
      if (Date.now() > until) throw new Error(`condition not reached within ${deadlineMs} ms`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  } finally {
    await Effect.runPromise(Fiber.interrupt(fiber))
  }
}

/** The consumer over a layer, with test-friendly intervals. */
export const consumerProgram = (
  table: string,
  layer: ReturnType<typeof consumerLayer>,
  config: ConsumerConfig
) =>
  runConsumer(pageViews(table), decoder, { pollIntervalMs: 50, shardSyncIntervalMs: 300, ...config }).pipe(
    Effect.provide(layer)
  )

