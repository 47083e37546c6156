/**
 * Query bench: a 7-day hourly window (168 buckets) for 200 keys on DynamoDB Local, with every
 * bucket filled and with one bucket in ten, read three ways: every bucket of every key by
 * BatchGetItem (the read before issue 18), one `Query` per key (`Store.getRange`), and through
 * the Redis cache (closed buckets from redis-server, the open one from DynamoDB). Requests and
 * read units are counted per read (units as DynamoDB reports them with ReturnConsumedCapacity, or
 * by its rules where the local server reports none); p50 and p99 are over repeated reads.
 * Run alone with `npx tsx bench/query.bench.ts`, or through `npm run bench`.
 */
import { BatchWriteItemCommand, type ConsumedCapacity, DynamoDBClient } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { localCredentials, startDynamoDbLocal, startRedis, startScoped } from "../src/local/index.js"
import { count } from "../src/monoid/index.js"
import { type RangeTarget, readRanges } from "../src/query/readRanges.js"
import { createTables, makeDynamoStore } from "../src/state/dynamodb/index.js"
import { RedisCache } from "../src/state/redis/index.js"
import { Store, type StoreService } from "../src/state/Store.js"
import { hourly } from "../src/window/Window.js"
import { type BenchResult, formatResult, isMain, registerBench } from "./report.js"

const keyCount = 200
const bucketCount = 168
const hourMs = 3_600_000
// Reads per contender: the BatchGetItem read takes seconds on DynamoDB Local, so fewer of it.
const samples = { batchGet: 5, query: 30, cache: 60 }
// A bucket is served from the cache a minute after it ends (the default grace is 5 minutes; a
// shorter one keeps the open part one bucket wide whenever the bench runs).
const graceMs = 60_000

interface Meter {
  requests: number
  /** Read units DynamoDB reported. */
  reported: number
  /** Read units by DynamoDB's rules: BatchGetItem 0.5 per key asked (eventually consistent, items under 4 KB), Query 0.5 per 4 KB returned. */
  computed: number
}

const itemBytes = (item: Record<string, { S?: string; N?: string }>): number => {
  let bytes = 0
  for (const [name, value] of Object.entries(item)) bytes += name.length + (value.S?.length ?? 0) + (value.N === undefined ? 0 : Math.ceil(value.N.length / 2) + 1)
  return bytes
}

/** Counts requests and read units of Query and BatchGetItem, asking DynamoDB to report units. */
const meterReads = (client: DynamoDBClient): Meter => {
  const meter: Meter = { requests: 0, reported: 0, computed: 0 }
  const units = (capacity: ConsumedCapacity | ReadonlyArray<ConsumedCapacity> | undefined) =>
    (Array.isArray(capacity) ? capacity : capacity === undefined ? [] : [capacity as ConsumedCapacity])
      .reduce((total: number, c: ConsumedCapacity) => total + (c.CapacityUnits ?? 0), 0)
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName
      if (command !== "QueryCommand" && command !== "BatchGetItemCommand") return next(args)
      const input = args.input as {
        ReturnConsumedCapacity?: string
        RequestItems?: Record<string, { Keys?: Array<unknown> }>
        ExpressionAttributeValues?: Record<string, { S?: string }>
      }
      input.ReturnConsumedCapacity = "TOTAL"
      meter.requests++
      const result = await next(args)
      const output = result.output as {
        ConsumedCapacity?: ConsumedCapacity | Array<ConsumedCapacity>
        Items?: Array<Record<string, { S?: string; N?: string }>>
        ScannedCount?: number
      }
      meter.reported += units(output.ConsumedCapacity)
      if (command === "BatchGetItemCommand") {
        for (const request of Object.values(input.RequestItems ?? {})) meter.computed += 0.5 * (request.Keys?.length ?? 0)
      } else {
        // Billed on whole items read, so the key left out by the projection counts too.
        const pkBytes = 2 + (input.ExpressionAttributeValues?.[":pk"]?.S?.length ?? 0)
        const bytes = (output.Items ?? []).reduce((total, item) => total + itemBytes(item) + pkBytes, 0)
        meter.computed += 0.5 * Math.max(1, Math.ceil(bytes / 4096))
      }
      return result
    },
    { step: "initialize", name: "benchReadMeter" }
  )
  return meter
}

/** Writes rows in the store's layout (pk, sk, v) by BatchWriteItem, 25 a request, 8 in flight. */
const fill = async (client: DynamoDBClient, table: string, rows: ReadonlyArray<{ entity: string; bucket: number; value: number }>) => {
  const chunks: Array<typeof rows> = []
  for (let i = 0; i < rows.length; i += 25) chunks.push(rows.slice(i, i + 25))
  const send = async (items: typeof rows) => {
    let pending = items.map((r) => ({ PutRequest: { Item: { pk: { S: r.entity }, sk: { N: String(r.bucket) }, v: { N: String(r.value) } } } }))
    while (pending.length > 0) {
      const output = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }))
      pending = (output.UnprocessedItems?.[table] ?? []) as typeof pending
    }
  }
  for (let i = 0; i < chunks.length; i += 8) await Promise.all(chunks.slice(i, i + 8).map(send))
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

interface Measured {
  readonly name: string
  readonly p50: number
  readonly p99: number
  readonly runs: number
  readonly requests: number
  readonly reported: number
  readonly computed: number
  readonly answer: ReadonlyArray<number>
}

/** Times `runs` reads; requests and units are those of one read (the last; all reads are alike). */
const measure = async (name: string, meter: Meter, runs: number, read: () => Promise<ReadonlyArray<number>>): Promise<Measured> => {
  const times: Array<number> = []
  let answer: ReadonlyArray<number> = []
  let last = { requests: 0, reported: 0, computed: 0 }
  for (let i = 0; i < runs; i++) {
    const before = { ...meter }
    const started = performance.now()
    answer = await read()
    times.push(performance.now() - started)
    last = { requests: meter.requests - before.requests, reported: meter.reported - before.reported, computed: meter.computed - before.computed }
  }
  times.sort((a, b) => a - b)
  return { name, p50: percentile(times, 50), p99: percentile(times, 99), runs, ...last, answer }
}

interface Environment {
  readonly client: DynamoDBClient
  readonly store: StoreService
  readonly meter: Meter
  readonly redisUrl: string
  readonly close: () => Promise<void>
}

const setUp = async (): Promise<Environment> => {
  const dynamo = await startScoped(startDynamoDbLocal)
  const redis = await startScoped(startRedis())
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: localCredentials, maxAttempts: 3 })
  const meter = meterReads(client)
  return {
    client,
    store: makeDynamoStore(client),
    meter,
    redisUrl: redis.url,
    close: async () => {
      client.destroy()
      await redis.close()
      await dynamo.close()
    }
  }
}

const fillLabel = (every: number) => (every === 1 ? "every bucket filled" : `one bucket in ${every} filled`)

/** One fill: BatchGetItem of every bucket (baseline), a Query per key, and the cache. */
const runFill = async (env: Environment, every: number): Promise<BenchResult> => {
  const table = `bench-query-${every}`
  await Effect.runPromise(createTables({ client: env.client, aggregates: [table] }))
  const hi = Math.floor(Date.now() / hourMs)
  const range = { lo: hi - bucketCount + 1, hi }
  const entities = Array.from({ length: keyCount }, (_, k) => `page-${k}`)
  const rows = entities.flatMap((entity, k) =>
    Array.from({ length: bucketCount }, (_, b) => ({ entity, bucket: range.lo + b, value: k + b })).filter((_, b) => (b + k) % every === 0)
  )
  await fill(env.client, table, rows)
  const target: RangeTarget<number> = { name: "bench", monoid: count, window: hourly(), store: table, cache: false }
  const storeLayer = Layer.succeed(Store, env.store)
  const cacheLayer = RedisCache.layer({ url: env.redisUrl, keyPrefix: table, policy: { graceMs } })

  const keys = entities.flatMap((entity) => Array.from({ length: bucketCount }, (_, b) => ({ entity, bucket: range.lo + b })))
  const batchGet = () =>
    Effect.runPromise(Effect.map(env.store.getMany(table, count, keys), (found) =>
      entities.map((_, e) => {
        let total = 0
        for (let b = 0; b < bucketCount; b++) {
          const value = found[e * bucketCount + b]!
          if (value._tag === "Some") total += value.value
        }
        return total
      })))
  const query = () => Effect.runPromise(readRanges(target, entities, range).pipe(Effect.provide(storeLayer)))

  const closed = { lo: range.lo - 1, hi: range.hi - 1 }
  const expectedOver = (r: typeof range) =>
    entities.map((entity) =>
      rows.filter((row) => row.entity === entity && row.bucket >= r.lo && row.bucket <= r.hi).reduce((total, row) => total + row.value, 0)
    )
  const results: Array<Measured & { readonly expected: ReadonlyArray<number> }> = []
  const add = (measured: Measured, over = range) => results.push({ ...measured, expected: expectedOver(over) })
  add(await measure("BatchGetItem, every bucket of every key (before)", env.meter, samples.batchGet, batchGet))
  add(await measure("Query per key (Store.getRange)", env.meter, samples.query, query))
  // The cache: one layer for all reads (one connection, closed with the scope).
  await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const context = yield* Layer.build(Layer.merge(cacheLayer, storeLayer))
    const cached = { ...target, cache: true }
    const read = (r: typeof range) => () => Effect.runPromise(Effect.provide(readRanges(cached, entities, r), context))
    add(yield* Effect.promise(() => measure("cache, cold (the first read fills it)", env.meter, 1, read(range))))
    add(yield* Effect.promise(() => measure("cache: closed buckets from Redis, open bucket from DynamoDB", env.meter, samples.cache, read(range))))
    yield* Effect.promise(read(closed))
    add(yield* Effect.promise(() => measure("cache, window of closed buckets only (Redis alone)", env.meter, samples.cache, read(closed))), closed)
  })))
  for (const result of results) {
    if (JSON.stringify(result.answer) !== JSON.stringify(result.expected)) throw new Error(`${result.name}: wrong answer`)
  }
  const [before, byQuery, , cachedRead, closedRead] = results as unknown as [Measured, Measured, Measured, Measured, Measured]
  // DynamoDB Local reports BatchGetItem units for the items found only; DynamoDB bills every key asked for.
  const units = (m: Measured) => m.computed
  const row = (m: Measured) =>
    `| ${m.name} | ${m.requests} | ${m.reported.toFixed(1)} | ${m.computed.toFixed(1)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.runs} |`
  return {
    title: `Query: 7-day hourly window × ${keyCount} keys, ${fillLabel(every)} (${rows.length} rows), DynamoDB Local + redis-server`,
    baseline: { name: before.name, ms: before.p50 },
    figures: [
      { name: byQuery.name, ms: byQuery.p50, target: 1 / 3 },
      { name: cachedRead.name, ms: cachedRead.p50 },
      { name: closedRead.name, ms: closedRead.p50, target: 5 / before.p50 }
    ],
    notes: [
      // One note, so that the table's rows stay together.
      [
        "| read | requests | read units reported | read units by DynamoDB's rules | p50 ms | p99 ms | reads |",
        "|---|---:|---:|---:|---:|---:|---:|",
        ...results.map(row)
      ].join("\n"),
      `Read units (by DynamoDB's rules: the local server reports BatchGetItem units for found items only): Query per key uses ${(units(before) / Math.max(units(byQuery), 0.5)).toFixed(0)}× fewer than BatchGetItem (goal ≥ 10×); ` +
      `p50 ${(before.p50 / byQuery.p50).toFixed(1)}× lower (goal ≥ 3×). Cached p50 ${cachedRead.p50.toFixed(1)} ms with the open bucket ` +
      `read from DynamoDB Local, ${closedRead.p50.toFixed(1)} ms for closed buckets alone (goal ≤ 5 ms; its target above is that ` +
      `bound as a ratio to the baseline). Every read's answers were checked against the rows written. p99 is the nearest-rank ` +
      `percentile of the reads (the slowest one when fewer than 100).`
    ]
  }
}

let environment: Promise<Environment> | undefined
const shared = () => (environment ??= setUp())

/** Both fills; the environment closes after the second. */
export const runQueryBenchFull = async (): Promise<BenchResult> => runFill(await shared(), 1)
export const runQueryBenchSparse = async (): Promise<BenchResult> => {
  const env = await shared()
  try {
    return await runFill(env, 10)
  } finally {
    environment = undefined
    await env.close()
  }
}

registerBench({ name: "query-full", run: runQueryBenchFull })
registerBench({ name: "query-sparse", run: runQueryBenchSparse })

if (isMain(import.meta.url)) {
  console.log(formatResult(await runQueryBenchFull()).join("\n"))
  console.log(formatResult(await runQueryBenchSparse()).join("\n"))
}
