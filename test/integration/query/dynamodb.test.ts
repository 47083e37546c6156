import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import fc from "fast-check"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { custom } from "../../../src/monoid/custom.js"
import type { Monoid } from "../../../src/monoid/Monoid.js"
import { count, type DecimalValue, max, sum } from "../../../src/monoid/numeric.js"
import { pipeline } from "../../../src/pipeline/Pipeline.js"
import { serveQuery } from "../../../src/query/http/index.js"
import * as Query from "../../../src/query/index.js"
import { type RangeTarget, readRanges } from "../../../src/query/readRanges.js"
import { makeDynamoStore } from "../../../src/state/dynamodb/index.js"
import * as MemoryStore from "../../../src/state/memory/MemoryStore.js"
import { Store, type StoreService } from "../../../src/state/Store.js"
import { hourly } from "../../../src/window/Window.js"
import { countRequests } from "../../support/requestCounter.js"
import { commitRow, joined, type Scenario, scenario, type SeedRow, shiftToNow, valueAs } from "../../unit/query/rangeScenario.js"
import { seedCommit } from "../../unit/query/testStore.js"
import { createLocalTables, localClient } from "../dynamodb/local.js"

type Event = { readonly page: string }
const hour = 3_600_000
const t0 = Date.UTC(2025, 5, 1, 12)
const b0 = t0 / hour

const totals = pipeline<Event, number>({ name: "q-totals", key: (e) => e.page, monoid: count, store: "murmur-query-ddb-totals" })
const views = pipeline<Event, DecimalValue>({
  name: "q-views",
  key: (e) => e.page,
  value: () => 1,
  monoid: sum,
  window: hourly(),
  store: "murmur-query-ddb-views"
})
const peak = pipeline<Event, number | null>({
  name: "q-peak",
  key: (e) => e.page,
  value: () => 0,
  monoid: max,
  window: hourly(),
  store: "murmur-query-ddb-peak"
})

const client = localClient()
const store = makeDynamoStore(client)
const storeLayer = Layer.succeed(Store, store)
const run = <A, E>(effect: Effect.Effect<A, E, Store>) => Effect.runPromise(Effect.provide(effect, storeLayer))

const write = <V>(target: Query.QueryTarget<V>, entity: string, bucket: number, value: V) =>
  store.commit(seedCommit(target, entity, bucket, value))

let scope: Scope.CloseableScope | undefined

beforeAll(async () => {
  await createLocalTables(client, { aggregates: [totals.store, views.store, peak.store] })
  await Effect.runPromise(
    Effect.all([
      write(totals, "/home", 0, 12),
      write(views, "/home", b0, 1),
      write(views, "/home", b0 + 2, 100),
      write(views, "/about", b0 + 1, 7),
      // A negative peak: folding a stored zero for the gaps would answer 0.
      write(peak, "/home", b0 + 1, -4),
      write(peak, "/home", b0 + 3, -9)
    ], { concurrency: 6, discard: true })
  )
})

afterAll(async () => {
  if (scope !== undefined) await Effect.runPromise(Scope.close(scope, Exit.void))
  client.destroy()
})

describe("queries through the DynamoDB store (DynamoDB Local)", () => {
  it("all-time values: stored, and the identity for absent keys, in input order", async () => {
    expect(await run(Query.value(totals, "/home"))).toBe(12)
    expect(await run(Query.values(totals, ["nobody", "/home", "nobody"]))).toEqual([
      { entity: "nobody", value: 0 },
      { entity: "/home", value: 12 },
      { entity: "nobody", value: 0 }
    ])
  })

  it("range and window fold stored buckets, gaps contributing the identity", async () => {
    expect(await run(Query.range(views, "/home", t0, t0 + 3 * hour))).toBe(101)
    expect(await run(Query.rangeMany(views, ["/about", "/home"], t0 + hour, t0 + 2 * hour))).toEqual([
      { entity: "/about", value: 7 },
      { entity: "/home", value: 100 }
    ])
    expect(await run(Query.window(views, "/home", "2 hours", t0 + 2 * hour + 1))).toBe(100)
    expect(await run(Query.range(peak, "/home", t0, t0 + 4 * hour))).toBe(-4)
    expect(await run(Query.range(peak, "/home", t0 + 10 * hour, t0 + 12 * hour))).toBeNull()
  })

  it("the HTTP endpoint serves the same values", async () => {
    scope = Effect.runSync(Scope.make())
    const server = await Effect.runPromise(
      Scope.extend(serveQuery({ pipelines: [totals, views, peak], port: 0 }), scope).pipe(Effect.provide(storeLayer))
    )
    const start = new Date(t0).toISOString()
    const end = new Date(t0 + 4 * hour).toISOString()
    const response = await fetch(`${server.url}/pipelines/q-peak/range?key=%2Fhome&key=none&start=${start}&end=${end}`)
    expect(response.status).toBe(200)
    expect(((await response.json()) as { values: unknown }).values).toEqual([{ key: "/home", value: -4 }, { key: "none", value: null }])
    const all = await fetch(`${server.url}/pipelines/q-totals/value?key=%2Fhome`)
    expect(await all.json()).toEqual({ pipeline: "q-totals", key: "/home", value: 12 })
  })
})

describe("range reads: DynamoDB answers as the memory store", () => {
  const ranged = "murmur-query-ddb-ranges"
  const wide = "murmur-query-ddb-wide"

  beforeAll(() => createLocalTables(client, { aggregates: [ranged, wide] }))

  const compare = <V>(name: string, monoid: Monoid<V>, valueOf: (r: SeedRow) => V, s: Scenario) =>
    Effect.gen(function*() {
      const memory = MemoryStore.make()
      // Entities per scenario and monoid, so the runs share one table without meeting.
      const prefixed = (r: SeedRow) => ({ ...r, entity: `${name}:${r.entity}` })
      const rows = [...s.rows, ...s.late].map(prefixed)
      const commits = (into: StoreService) =>
        Effect.forEach(rows, (r) => commitRow(into, ranged, monoid, r, valueOf(r)), { concurrency: 16, discard: true })
      yield* commits(store)
      yield* Effect.forEach(rows, (r) => commitRow(memory.service, ranged, monoid, r, valueOf(r)), { discard: true })
      const target: RangeTarget<V> = { name, monoid, window: hourly(), store: ranged }
      for (const ask of s.asks) {
        const keys = ask.entities.map((entity) => `${name}:${entity}`)
        const fromDynamo = yield* Effect.provideService(readRanges(target, keys, ask), Store, store)
        const fromMemory = yield* Effect.provideService(readRanges(target, keys, ask), Store, memory.service)
        expect(fromDynamo, `${keys.join(",")} ${ask.lo}..${ask.hi}`).toEqual(fromMemory)
        for (const key of keys) {
          // The rows themselves too: same buckets, values and TTLs, expired ones left out alike.
          expect(yield* store.getRange(ranged, monoid, key, ask)).toEqual(yield* memory.service.getRange(ranged, monoid, key, ask))
        }
      }
    })

  it("on random data: sparse buckets, TTLs absent, zero, negative, past and future, ranges past both ends", async () => {
    const samples = fc.sample(scenario, { numRuns: 8, seed: 1812 }).map((s) => shiftToNow(s))
    await Effect.runPromise(Effect.forEach(samples, (s, i) =>
      Effect.zipRight(
        compare(`sum${i}`, sum, valueAs.number, s),
        i < 3 ? compare(`joined${i}`, joined, valueAs.joined, s) : Effect.void
      ), { discard: true }))
  })

  it("follows LastEvaluatedKey past DynamoDB's 1 MB page for one key", async () => {
    // 300 rows of about 4 KB: 1.2 MB in one partition, so one Query cannot return them all.
    const padded = custom<string>({ name: "padded", empty: "", combine: (left, right) => left + right })
    const rows = Array.from({ length: 300 }, (_, i) => ({ entity: "big", bucket: b0 + i, value: i, ttl: undefined }))
    const valueOf = (r: SeedRow) => `${r.value}:`.padEnd(4_000, "x")
    const memory = MemoryStore.make()
    await Effect.runPromise(Effect.forEach(rows, (r) => commitRow(store, wide, padded, r, valueOf(r)), { concurrency: 16 }))
    await Effect.runPromise(Effect.forEach(rows, (r) => commitRow(memory.service, wide, padded, r, valueOf(r))))
    const counter = countRequests(client)
    try {
      const range = { lo: b0 - 5, hi: b0 + 400 }
      const found = await Effect.runPromise(store.getRange(wide, padded, "big", range))
      expect(found.length).toBe(300)
      expect(counter.byCommand().get("QueryCommand")).toBe(2)
      expect(found).toEqual(await Effect.runPromise(memory.service.getRange(wide, padded, "big", range)))
    } finally {
      counter.remove()
    }
  })
})
