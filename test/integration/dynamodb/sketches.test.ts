/**
 * Sketch monoids end to end through the processor and the store: bytes in `v`, one compare-and-swap
 * write per (key, bucket) per batch, the same answers on memory and on DynamoDB Local, exactly once
 * through faults and redelivery, rows within the 400 KB item limit, and windows that merge buckets.
 */
import { GetItemCommand } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { layerNoop } from "../../../src/metrics/index.js"
import {
  bloom,
  bloomContains,
  count,
  type Decayed,
  decayedSum,
  dynamoItemLimitBytes,
  hll,
  hllEstimate,
  mapOf,
  type Monoid,
  overBudget,
  topK,
  type TopK,
  tuple
} from "../../../src/monoid/index.js"
import { type DeliveryStrategy, pipeline } from "../../../src/pipeline/index.js"
import { processBatch } from "../../../src/processor/processBatch.js"
import type { Decoder, SourceRecord } from "../../../src/processor/types.js"
import * as Query from "../../../src/query/Query.js"
import { DynamoState } from "../../../src/state/dynamodb/index.js"
import { MemoryState } from "../../../src/state/memory/index.js"
import { Store } from "../../../src/state/Store.js"
import { daily } from "../../../src/window/Window.js"
import { injectFaults } from "../../support/faults.js"
import { countRequests } from "../../support/requestCounter.js"
import { seededRandom } from "../../support/seeded.js"
import { createLocalTables, localClient, run } from "./local.js"

const table = "murmur-ddb-sketches"
const claimsTable = "murmur-ddb-sketches-claims"
const client = localClient()
const dynamo = Layer.merge(DynamoState.layer({ client, claimsTable }), layerNoop)

interface Visit {
  readonly page: string
  readonly user: string
  readonly country: string
  readonly at: number
}

const dayMs = 86_400_000
// Recent days, so no row has outlived its retention when read back.
const today = Math.floor(Date.now() / dayMs)
const pages = ["/", "/pricing", "/docs"]
const countries = ["fr", "de", "us", "jp", "br", "in"]

const visits: ReadonlyArray<Visit> = (() => {
  const random = seededRandom(19)
  return Array.from({ length: 1_200 }, () => ({
    page: pages[Math.floor(pages.length * random() ** 2)]!,
    user: `user-${Math.floor(2_000 * random() ** 2)}`,
    country: countries[Math.floor(countries.length * random() ** 1.5)]!,
    at: (today - 6) * dayMs + Math.floor(random() * 7 * dayMs)
  }))
})()

const encoder = new TextEncoder()
const records: ReadonlyArray<SourceRecord> = visits.map((visit, i) => ({
  eventId: `shard-0/${i}`,
  eventTimeMs: visit.at,
  data: encoder.encode(JSON.stringify(visit)),
  sequence: String(49_000_000_000n + BigInt(i))
}))

const decoder: Decoder<Visit> = {
  decode: (data) => Either.right(JSON.parse(new TextDecoder().decode(data)) as Visit)
}

const rowOf = (visit: Visit) => `${visit.page}|${Math.floor(visit.at / dayMs)}`

/** The visits of each (page, day) row, in record order. */
const visitsByRow = (() => {
  const rows = new Map<string, Array<Visit>>()
  for (const visit of visits) {
    const row = rows.get(rowOf(visit)) ?? []
    row.push(visit)
    rows.set(rowOf(visit), row)
  }
  return rows
})()

const uniques = hll()
const topCountries = topK(3)
const allCountries = topK(10)
const seen = bloom(10_000, 0.01)
const trending = decayedSum("1 hour")
const perCountry = mapOf(count)
const both = tuple(uniques, allCountries)

/**
 * One sketch monoid under test. `deterministic`: the stored bytes are a function of the events
 * alone, however they were batched (HLL registers and Bloom bits are order-free maxima and ORs,
 * counts are integers, a top-K that never holds more than k items never truncates). A truncating
 * top-K and a decayed sum (floating point) depend on the grouping, so faults check their bounds.
 */
interface SketchCase<V> {
  readonly name: string
  readonly monoid: Monoid<V>
  readonly value: (visit: Visit) => V
  readonly deterministic: boolean
  /** The row's value built in memory from its events once each, by another path where there is one. */
  readonly once?: (row: ReadonlyArray<Visit>) => V
}

const sketchCase = <V>(c: SketchCase<V>): SketchCase<unknown> => c as unknown as SketchCase<unknown>

const cases: ReadonlyArray<SketchCase<unknown>> = [
  sketchCase({
    name: "hll",
    monoid: uniques,
    value: (v) => uniques.of(v.user),
    deterministic: true,
    once: (row) => row.reduce((counter, v) => counter.add(v.user), uniques.counter()).toHll()
  }),
  sketchCase({ name: "topK(3)", monoid: topCountries, value: (v) => topCountries.of(v.country), deterministic: false }),
  sketchCase({
    name: "bloom",
    monoid: seen,
    value: (v) => seen.of(v.user),
    deterministic: true,
    once: (row) => seen.of(...row.map((v) => v.user))
  }),
  sketchCase({ name: "decayedSum", monoid: trending, value: (v) => trending.of(1, v.at), deterministic: false }),
  sketchCase({
    name: "mapOf(count)",
    monoid: perCountry,
    value: (v) => new Map([[v.country, 1]]),
    deterministic: true,
    once: (row) => {
      const counts = new Map<string, number>()
      for (const v of row) counts.set(v.country, (counts.get(v.country) ?? 0) + 1)
      return counts
    }
  }),
  sketchCase({
    name: "tuple(hll, topK(10))",
    monoid: both,
    value: (v) => [uniques.of(v.user), allCountries.of(v.country)] as const,
    deterministic: true,
    once: (row) => {
      const counts = new Map<string, number>()
      for (const v of row) counts.set(v.country, (counts.get(v.country) ?? 0) + 1)
      return [row.reduce((counter, v) => counter.add(v.user), uniques.counter()).toHll(), allCountries.fromCounts(counts)] as const
    }
  })
]

const pipelineOf = <V>(c: SketchCase<V>, delivery: DeliveryStrategy, entityPrefix: string) =>
  pipeline<Visit, V>({
    name: c.name,
    key: (v) => `${entityPrefix}${v.page}`,
    value: c.value,
    monoid: c.monoid,
    window: daily("30 days"),
    eventTime: (v) => v.at,
    store: table,
    delivery
  })

/** What one batch of every record leaves in each row: the deltas folded in record order. */
const sequentialFold = <V>(c: SketchCase<V>, row: ReadonlyArray<Visit>): V =>
  row.reduce((acc, v) => c.monoid.combine(acc, c.value(v)), c.monoid.empty)

/**
 * Whether stored values are what applying every event once gives. Deterministic sketches: the
 * same bytes. A truncating top-K, under any grouping (Misra-Gries): every count at most the truth
 * and at least the truth minus N/(k+1), so an item above N/(k+1) is always listed. A decayed sum:
 * the same number as of one instant, up to floating-point rounding.
 */
const expectExactlyOnce = (c: SketchCase<unknown>, stored: ReadonlyArray<unknown>) => {
  const rows = [...visitsByRow.keys()]
  rows.forEach((row, r) => {
    const events = visitsByRow.get(row)!
    const want = sequentialFold(c, events)
    if (c.deterministic) {
      expect(hex(bytesOf(c.monoid, stored[r])), row).toBe(hex(bytesOf(c.monoid, want)))
    } else if (c.monoid === topCountries) {
      const exact = new Map<string, number>()
      for (const v of events) exact.set(v.country, (exact.get(v.country) ?? 0) + 1)
      const slack = events.length / (topCountries.k + 1)
      const listed = new Map((stored[r] as TopK).map(({ count, item }) => [item, count]))
      for (const [item, truth] of exact) {
        const got = listed.get(item) ?? 0
        expect(got, `${row} ${item}`).toBeLessThanOrEqual(truth)
        expect(got, `${row} ${item}`).toBeGreaterThanOrEqual(truth - slack)
      }
    } else {
      const now = (today + 1) * dayMs
      expect(trending.valueAt(stored[r] as Decayed, now), row).toBeCloseTo(trending.valueAt(want as Decayed, now), 9)
    }
  })
}

const keyOf = (row: string, entityPrefix: string) => {
  const [page, day] = row.split("|") as [string, string]
  return { entity: `${entityPrefix}${page}`, bucket: Number(day) }
}

/** The row's `v` exactly as DynamoDB holds it. */
const storedBytes = async (entity: string, bucket: number): Promise<Uint8Array | undefined> => {
  const item = await client.send(
    new GetItemCommand({ TableName: table, Key: { pk: { S: entity }, sk: { N: String(bucket) } }, ConsistentRead: true })
  )
  return item.Item?.v?.B
}

const storedValues = <V>(layer: Layer.Layer<Store>, c: SketchCase<V>, entityPrefix: string) =>
  run(
    Effect.flatMap(Store, (store) =>
      store.getMany(table, c.monoid, [...visitsByRow.keys()].map((row) => keyOf(row, entityPrefix)))).pipe(
        Effect.map((found) => found.map(Option.getOrThrow)),
        Effect.provide(layer)
      )
  )

const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? "absent" : Buffer.from(bytes).toString("hex"))

/** A sketch value's bytes, as its codec writes them into `v`. */
const bytesOf = <V>(monoid: Monoid<V>, value: V): Uint8Array => {
  const codec = monoid.codec
  if (codec.storage !== "binary") throw new Error(`${monoid.name} is not stored as bytes`)
  return codec.encode(value)
}

beforeAll(() => createLocalTables(client, { aggregates: [table], claimsTable }))
afterAll(() => client.destroy())

describe.each(cases)("$name through the processor", (c) => {
  const rows = [...visitsByRow.keys()]
  const expected = rows.map((row) => sequentialFold(c, visitsByRow.get(row)!))
  const expectedBytes = expected.map((value) => hex(bytesOf(c.monoid, value)))

  it("a built-in-memory value from the events once each equals the record-order fold (where one exists)", () => {
    if (c.once === undefined) return
    rows.forEach((row, r) => expect(hex(bytesOf(c.monoid, c.once!(visitsByRow.get(row)!))), row).toBe(expectedBytes[r]))
  })

  it("memory and DynamoDB (fenced and claims) store the same bytes; a redelivery changes nothing", async () => {
    const memory = MemoryState.make()
    const memoryLayer = Layer.merge(memory.layer, layerNoop)
    const memoryResult = await run(processBatch(pipelineOf(c, "auto", "mem"), decoder, records, { shardId: "shardId-0" }).pipe(
      Effect.provide(memoryLayer)
    ))
    expect(memoryResult.outcomes.every((o) => o._tag === "Succeeded")).toBe(true)
    expect((await storedValues(memoryLayer, c, "mem")).map((v) => hex(bytesOf(c.monoid, v)))).toEqual(expectedBytes)

    for (const delivery of ["fenced", "claims"] as const) {
      const prefix = `${c.name}-${delivery}`
      const counter = countRequests(client)
      const first = await run(processBatch(pipelineOf(c, delivery, prefix), decoder, records, { shardId: "shardId-0" }).pipe(
        Effect.provide(dynamo)
      ))
      counter.remove()
      expect(first.outcomes.every((o) => o._tag === "Succeeded"), delivery).toBe(true)
      // Fenced: the batch coalesces to one conditional write per (key, bucket); claims also
      // writes one claim per record, in transactions of at most 100 items.
      if (delivery === "fenced") expect(counter.writes()).toBe(rows.length)
      // Claims commit a row's records in transactions of at most 100 items: another grouping.
      if (delivery === "fenced" || c.deterministic) {
        for (const [r, row] of rows.entries()) {
          const { bucket, entity } = keyOf(row, prefix)
          expect(hex(await storedBytes(entity, bucket)), `${delivery} ${row}`).toBe(expectedBytes[r])
        }
      }
      const before = await storedValues(dynamo, c, prefix)
      expectExactlyOnce(c, before)
      const again = await run(processBatch(pipelineOf(c, delivery, prefix), decoder, records, { shardId: "shardId-0" }).pipe(
        Effect.provide(dynamo)
      ))
      expect(again.outcomes.every((o) => o._tag === "Duplicate"), delivery).toBe(true)
      const reread = await storedValues(dynamo, c, prefix)
      expect(reread.map((v) => hex(bytesOf(c.monoid, v))), delivery).toEqual(before.map((v) => hex(bytesOf(c.monoid, v))))
    }
  })

  it("exactly once through 20 % faults and redelivery from the lowest failure in random batches", async () => {
    const prefix = `${c.name}-chaos`
    const sketch = pipelineOf(c, "fenced", prefix)
    const random = seededRandom(c.name.length)
    const faults = injectFaults(client, { rate: 0.2, seed: 7 })
    let start = 0
    let deliveries = 0
    while (start < records.length && deliveries < 200) {
      deliveries++
      const size = 50 + Math.floor(random() * 300)
      const result = await run(
        processBatch(sketch, decoder, records.slice(start, start + size), { shardId: "shardId-0", retry: { baseMs: 1, capMs: 5 } })
          .pipe(Effect.provide(dynamo))
      )
      const failed = result.outcomes.findIndex((o) => o._tag === "Failed" || o._tag === "NotAttempted")
      start = failed === -1 ? Math.min(records.length, start + size) : start + failed
    }
    expect(faults.stats().after).toBeGreaterThan(0)
    faults.remove()
    expect(start).toBe(records.length)
    expectExactlyOnce(c, await storedValues(dynamo, c, prefix))
  })
})

describe("sketch rows within DynamoDB's item limit", () => {
  it("a dense HLL and a dense default Bloom filter are stored whole, at their declared worst case or under", async () => {
    const users = Array.from({ length: 5_000 }, (_, i) => `user-${i}`)
    const wide = bloom()
    const big = [
      { monoid: uniques, value: uniques.of(...users), entity: "dense-hll" },
      { monoid: wide, value: wide.of(...Array.from({ length: 50_000 }, (_, i) => `user-${i}`)), entity: "dense-bloom" }
    ] as const
    for (const { entity, monoid, value } of big) {
      const bytes = bytesOf(monoid as Monoid<unknown>, value)
      expect(overBudget(monoid as Monoid<unknown>, value)).toBeUndefined()
      expect(monoid.maxEncodedBytes).toBeLessThan(dynamoItemLimitBytes)
      expect(bytes.byteLength).toBe(monoid.maxEncodedBytes) // dense: the worst case exactly
      const one: SourceRecord = { eventId: `big/${entity}`, eventTimeMs: today * dayMs, data: encoder.encode("{}"), sequence: "1" }
      const sketch = pipeline<unknown, unknown>({
        name: entity,
        key: () => entity,
        value: () => value,
        monoid: monoid as Monoid<unknown>,
        store: table
      })
      const result = await run(processBatch(sketch, { decode: () => Either.right({}) }, [one], { shardId: "shardId-0" }).pipe(
        Effect.provide(dynamo)
      ))
      expect(result.outcomes.map((o) => o._tag)).toEqual(["Succeeded"])
      expect(hex(await storedBytes(entity, 0))).toBe(hex(bytes))
    }
    expect(uniques.maxEncodedBytes).toBe(12_304)
  })
})

describe("reads merge sketches across buckets", () => {
  it("seven daily HLLs read as weekly uniques; a range, a window and a Bloom membership agree with the events", async () => {
    const prefix = "reads"
    const weekly = pipelineOf(cases[0]!, "fenced", prefix) as unknown as Query.QueryTarget<ReturnType<typeof uniques.of>>
    const membership = pipelineOf(cases[2]!, "fenced", `${prefix}-bloom`) as unknown as Query.QueryTarget<ReturnType<typeof seen.of>>
    for (const sketch of [weekly, membership]) {
      const result = await run(processBatch(sketch as never, decoder, records, { shardId: "shardId-0" }).pipe(Effect.provide(dynamo)))
      expect(result.outcomes.filter((o) => o._tag !== "Succeeded")).toEqual([])
    }
    const page = pages[0]!
    const ofPage = visits.filter((v) => v.page === page)
    const distinct = new Set(ofPage.map((v) => v.user)).size
    const now = today * dayMs + dayMs / 2
    const week = await run(Query.window(weekly, `${prefix}${page}`, "7 days", now).pipe(Effect.provide(dynamo)))
    // The union, bit for bit: the registers of every event's user, whichever day it fell on.
    const once = ofPage.reduce((counter, v) => counter.add(v.user), uniques.counter()).toHll()
    expect(hex(bytesOf(uniques, week))).toBe(hex(bytesOf(uniques, once)))
    expect(Math.abs(hllEstimate(week) - distinct)).toBeLessThanOrEqual(Math.max(1, 3 * 0.0081 * distinct))
    // Daily uniques overlap: their sum overcounts the week.
    let dailySum = 0
    for (let day = today - 6; day <= today; day++) {
      dailySum += hllEstimate(await run(Query.range(weekly, `${prefix}${page}`, day * dayMs, day * dayMs).pipe(Effect.provide(dynamo))))
    }
    expect(dailySum).toBeGreaterThan(hllEstimate(week))
    const ranged = await run(Query.range(weekly, `${prefix}${page}`, (today - 6) * dayMs, now).pipe(Effect.provide(dynamo)))
    expect(uniques.equals(ranged, week)).toBe(true)

    const filter = await run(Query.window(membership, `${prefix}-bloom${page}`, "7 days", now).pipe(Effect.provide(dynamo)))
    for (const v of ofPage) expect(bloomContains(filter, v.user)).toBe(true)
  })
})
