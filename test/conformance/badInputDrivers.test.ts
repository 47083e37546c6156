/**
 * Values the store rejects (the table of badInputTable.ts) through both drivers, each against
 * the memory store and DynamoDB Local: the Lambda handler (`deadLetter: "skip"`, with Lambda's
 * redelivery from the lowest reported sequence number, then a whole redelivery) and the polling
 * consumer on kinesalite (default `"skip"`). For every case: each bad record gets its typed
 * outcome (`onDecodeError` with its reason, or `onDeadLetter` with the store's error), every good
 * record of the batch is applied exactly once (including those coalesced into the bad record's
 * row), the shard moves on (the handler's last answer reports nothing, the consumer checkpoints
 * the last record without a retry loop), and memory and DynamoDB end with identical rows. Under
 * the handler's default `"stop"`, the first record reported is the bad one, never a good one.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { type KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { DecodeError } from "../../src/errors.js"
import { KinesisApi, KinesisClient as MurmurKinesisClient, runConsumer } from "../../src/kinesis/consumer/index.js"
import type { DeadLetter } from "../../src/kinesis/deadLetter.js"
import { kinesisHandler, type KinesisStreamRecord } from "../../src/kinesis/lambda/index.js"
import { makeMemoryMetrics, Metrics } from "../../src/metrics/index.js"
import type { Pipeline } from "../../src/pipeline/index.js"
import { Checkpoints } from "../../src/state/Checkpoints.js"
import { DynamoState } from "../../src/state/dynamodb/index.js"
import { MemoryState } from "../../src/state/memory/index.js"
import type { Store } from "../../src/state/Store.js"
import { type LocalKinesis, type Started, startKinesalite, startScoped } from "../../src/local/index.js"
import { createLocalTables, localClient } from "../integration/dynamodb/local.js"
import { createStream } from "../support/streams.js"
import {
  type Case,
  cases,
  decoder,
  dynamoRows,
  type Event,
  expectedOutcome,
  expectedRows,
  failureName,
  memoryRows,
  pipelinesFor,
  t0
} from "./badInputTable.js"

const table = "murmur-bad-drivers-agg"
const checkpointsTable = "murmur-bad-drivers-checkpoints"
const client: DynamoDBClient = localClient()
const pipelines = pipelinesFor(table, "fenced")
const encoder = new TextEncoder()

let kinesalite: Started<LocalKinesis>
let kinesis: KinesisClient

beforeAll(async () => {
  await createLocalTables(client, { aggregates: [table], checkpointsTable })
  kinesalite = await startScoped(startKinesalite)
  kinesis = kinesalite.client
})
afterAll(async () => {
  client.destroy()
  await kinesalite?.close()
})

type StoreName = "memory" | "dynamodb"
/** A fresh state for one run: its layer and its rows. */
const stateFor = (store: StoreName) => {
  if (store === "dynamodb") {
    const layer: Layer.Layer<Store | Checkpoints> = DynamoState.layer({ client, checkpointsTable })
    return { layer, rows: (p: Pipeline<Event, unknown>, prefix: string) => dynamoRows(client, table, p.monoid, prefix) }
  }
  const state = MemoryState.make()
  return { layer: state.layer, rows: async (_: Pipeline<Event, unknown>, prefix: string) => memoryRows(state, table, prefix) }
}

/** What one driver run saw: the first typed outcome of each bad record, by index, and its metrics. */
interface Run {
  readonly outcomes: Record<number, string>
  /** `<pipeline>:dead_letter` once the shard had moved past the batch. */
  readonly deadLetters: number
  readonly metrics: ReturnType<typeof makeMemoryMetrics>
}

const outcomeOf = (letter: DeadLetter) => failureName(letter.error as { _tag: string; reason?: unknown })
const decodeOutcome = (error: DecodeError) => `DecodeFailed:${error.reason}`

const expectedBad = (c: Case) =>
  Object.fromEntries(Object.entries(c.bad).map(([index, expected]) => [Number(index), expectedOutcome(expected)]))
const deadLetterCount = (c: Case) => Object.values(c.bad).filter((expected) => "Failed" in expected).length

// ---- Lambda ----------------------------------------------------------------------------------

const streamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/bad-drivers"
const sequenceOf = (i: number) => String(49_000_000_000 + i)
const context = { getRemainingTimeInMillis: () => 60_000 } as never

const lambdaRecords = (c: Case, prefix: string): Array<KinesisStreamRecord> =>
  c.records.map((raw, i) => ({
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: `pk-${i}`,
      sequenceNumber: sequenceOf(i),
      data: Buffer.from(raw.json(prefix)).toString("base64"),
      approximateArrivalTimestamp: (raw.arrivalMs ?? t0) / 1000
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `shardId-000000000000:${sequenceOf(i)}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::123456789012:role/test",
    awsRegion: "us-east-1",
    eventSourceARN: streamArn
  }))

/**
 * Invokes the handler as Lambda would under `deadLetter: "skip"`: again from the lowest reported
 * sequence number until nothing is reported (each round must start later: the shard moves on),
 * then once more with the whole batch (a redelivery, which must change nothing).
 */
const runLambda = async (c: Case, prefix: string, layer: Layer.Layer<Store | Checkpoints>): Promise<Run> => {
  const p = pipelines[c.pipeline] as Pipeline<Event, unknown>
  const metrics = makeMemoryMetrics()
  const outcomes: Record<number, string> = {}
  const indexOf = (sequence: string | undefined) => Number(sequence) - 49_000_000_000
  const handler = kinesisHandler(p, decoder, {
    layer: Layer.merge(layer, Layer.succeed(Metrics, metrics.service)),
    deadLetter: "skip",
    onDeadLetter: (letter) => void (outcomes[indexOf(letter.record.sequence)] ??= outcomeOf(letter)),
    onDecodeError: (_raw, sequence, _key, error) => void (outcomes[indexOf(sequence)] ??= decodeOutcome(error))
  })
  try {
    const records = lambdaRecords(c, prefix)
    const bad = new Set(Object.keys(c.bad).map(Number))
    let from = 0
    for (;;) {
      const response = await handler({ Records: records.slice(from) }, context)
      const reported = response.batchItemFailures.map((failure) => indexOf(failure.itemIdentifier))
      if (reported.length === 0) break
      // Only records after a skipped one wait for a redelivery, never a bad record itself.
      for (const index of reported) expect(bad.has(index), `record ${index} reported`).toBe(false)
      const next = Math.min(...reported)
      expect(next, "Lambda's next batch starts later").toBeGreaterThan(from)
      from = next
    }
    const deadLetters = metrics.counter(`${p.name}:dead_letter`)
    const again = await handler({ Records: records }, context)
    expect(again.batchItemFailures).toEqual([])
    return { outcomes, deadLetters, metrics }
  } finally {
    await handler.dispose()
  }
}

// ---- Polling consumer ------------------------------------------------------------------------

/** Puts the case's records on a one-shard stream, in order; returns their sequence numbers. */
const putCase = async (stream: string, c: Case, prefix: string): Promise<ReadonlyArray<string>> => {
  await createStream(kinesis, stream, 1)
  const result = await kinesis.send(new PutRecordsCommand({
    StreamName: stream,
    Records: c.records.map((raw) => ({ Data: encoder.encode(raw.json(prefix)), PartitionKey: "pk" }))
  }))
  expect(result.FailedRecordCount ?? 0).toBe(0)
  return result.Records!.map((record) => record.SequenceNumber!)
}

/**
 * Runs the consumer until `done()`, failing when `progress()` (records handled so far) stays the
 * same for `stallMs`, or when the consumer stops by itself; then interrupts it as SIGTERM would.
 */
const runUntil = async (
  program: Effect.Effect<never, unknown>,
  done: () => Promise<boolean>,
  progress: () => number,
  stallMs = 15_000
) => {
  const fiber = Effect.runFork(program)
  try {
    let last = progress()
    let lastMoved = Date.now()
    while (!(await done())) {
      const exited = fiber.unsafePoll()
      if (exited !== null) throw new Error(`consumer stopped: ${String(Exit.isFailure(exited) ? exited.cause : "success")}`)
      const now = progress()
      if (now !== last) [last, lastMoved] = [now, Date.now()]
      if (Date.now() - lastMoved > stallMs) throw new Error(`no progress for ${stallMs} ms (at ${now} records)`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  } finally {
    await Effect.runPromise(Fiber.interrupt(fiber))
  }
}

const runConsumerOn = async (
  c: Case,
  stream: string,
  sequences: ReadonlyArray<string>,
  store: StoreName,
  layer: Layer.Layer<Store | Checkpoints>
): Promise<Run> => {
  const p = pipelines[c.pipeline] as Pipeline<Event, unknown>
  const metrics = makeMemoryMetrics()
  const outcomes: Record<number, string> = {}
  const indexOf = (sequence: string | undefined) => sequences.indexOf(sequence ?? "")
  const services = Layer.mergeAll(
    layer,
    Layer.succeed(Metrics, metrics.service),
    KinesisApi.layer.pipe(Layer.provide(MurmurKinesisClient.layerClient(kinesis)))
  )
  const app = `bad-${store}`
  const program = runConsumer(p, decoder, {
    app,
    stream,
    startingPosition: "TRIM_HORIZON",
    pollIntervalMs: 50,
    shardSyncIntervalMs: 500,
    onDeadLetter: (letter) => void (outcomes[indexOf(letter.record.sequence)] ??= outcomeOf(letter)),
    onDecodeError: (record, error) => Effect.sync(() => void (outcomes[indexOf(record.sequence)] ??= decodeOutcome(error)))
  }).pipe(Effect.provide(services))
  const checkpoint = Effect.flatMap(Checkpoints, (checkpoints) =>
    checkpoints.get({ app, stream, shardId: "shardId-000000000000" })).pipe(Effect.provide(layer))
  const last = sequences[sequences.length - 1]
  const counters = () => Object.values(metrics.snapshot().counters).reduce((sum, n) => sum + n, 0)
  await runUntil(program, async () => {
    const saved = await Effect.runPromise(checkpoint)
    return saved._tag === "Some" && saved.value.sequence === last
  }, counters)
  return { outcomes, deadLetters: metrics.counter(`${p.name}:dead_letter`), metrics }
}

// ---- The table -------------------------------------------------------------------------------

describe("values the store rejects, through both drivers", () => {
  const stores: ReadonlyArray<StoreName> = ["memory", "dynamodb"]

  it.each(cases.map((c, i) => [c.name, c, i] as const))("Lambda handler: %s", async (_name, c, i) => {
    const prefix = `lambda:${i}:`
    const p = pipelines[c.pipeline] as Pipeline<Event, unknown>
    const rows: Array<Record<string, string>> = []
    for (const store of stores) {
      const state = stateFor(store)
      const run = await runLambda(c, prefix, state.layer)
      expect(run.outcomes, store).toEqual(expectedBad(c))
      expect(run.deadLetters, store).toBe(deadLetterCount(c))
      rows.push(await state.rows(p, prefix))
    }
    expect(rows[0]).toEqual(expectedRows(c))
    expect(rows[1]).toEqual(rows[0])
  })

  it.each(cases.map((c, i) => [c.name, c, i] as const))("Lambda handler, default \"stop\": %s", async (_name, c, i) => {
    const prefix = `lambda-stop:${i}:`
    const p = pipelines[c.pipeline] as Pipeline<Event, unknown>
    const handler = kinesisHandler(p, decoder, { layer: Layer.merge(MemoryState.make().layer, Layer.succeed(Metrics, makeMemoryMetrics().service)) })
    try {
      const response = await handler({ Records: lambdaRecords(c, prefix) }, context)
      const firstDeadLetter = Object.entries(c.bad).find(([, expected]) => "Failed" in expected)?.[0]
      // A decode failure is never reported; a record that can never succeed is, and nothing before it.
      expect(response.batchItemFailures[0]?.itemIdentifier).toBe(firstDeadLetter === undefined ? undefined : sequenceOf(Number(firstDeadLetter)))
    } finally {
      await handler.dispose()
    }
  })

  // Kinesalite stamps arrival times itself: the arrival-time case is the handler's alone.
  const onStream = cases.map((c, i) => [c.name, c, i] as const).filter(([, c]) => c.records.every((raw) => raw.arrivalMs === undefined))
  it.each(onStream)("polling consumer on kinesalite: %s", async (_name, c, i) => {
    const prefix = `consumer:${i}:`
    const stream = `bad-input-${i}`
    const p = pipelines[c.pipeline] as Pipeline<Event, unknown>
    const sequences = await putCase(stream, c, prefix)
    const rows: Array<Record<string, string>> = []
    for (const store of stores) {
      const state = stateFor(store)
      const run = await runConsumerOn(c, stream, sequences, store, state.layer)
      expect(run.outcomes, store).toEqual(expectedBad(c))
      expect(run.deadLetters, store).toBe(deadLetterCount(c))
      // Moved on by itself: a record that can never succeed is no retry.
      expect(run.metrics.counter(`${p.name}:consumer_batch_retry`), store).toBe(0)
      rows.push(await state.rows(p, prefix))
    }
    expect(rows[0]).toEqual(expectedRows(c))
    expect(rows[1]).toEqual(rows[0])
  })
})
