import { Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { count, max, sum } from "../../../src/monoid/numeric.js"
import { pipeline } from "../../../src/pipeline/Pipeline.js"
import { serveQuery } from "../../../src/query/http/index.js"
import * as Query from "../../../src/query/index.js"
import { makeDynamoStore } from "../../../src/state/dynamodb/index.js"
import { Store } from "../../../src/state/Store.js"
import { hourly } from "../../../src/window/Window.js"
import { seedCommit } from "../../unit/query/testStore.js"
import { createLocalTables, localClient } from "../dynamodb/local.js"

type Event = { readonly page: string }
const hour = 3_600_000
const t0 = Date.UTC(2025, 5, 1, 12)
const b0 = t0 / hour

const totals = pipeline<Event, number>({ name: "q-totals", key: (e) => e.page, monoid: count, store: "murmur-query-ddb-totals" })
const views = pipeline<Event, number>({
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
