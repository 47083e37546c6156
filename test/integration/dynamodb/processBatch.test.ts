import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { layerNoop } from "../../../src/metrics/index.js"
import { count, set, setOf, type StringSet } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import { processBatch } from "../../../src/processor/processBatch.js"
import type { SourceRecord } from "../../../src/processor/types.js"
import { DynamoState } from "../../../src/state/dynamodb/index.js"
import { Store } from "../../../src/state/Store.js"
import { injectFaults } from "../../support/faults.js"
import { countRequests } from "../../support/requestCounter.js"
import { createLocalTables, localClient, run } from "./local.js"

const table = "murmur-ddb-process-agg"
const claimsTable = "murmur-ddb-process-claims"
const client = localClient()
const live = Layer.merge(DynamoState.layer({ client, claimsTable }), layerNoop)

const View = Schema.Struct({ page: Schema.String, user: Schema.String })
type View = typeof View.Type
const decoder = schemaDecoder(View)

const encoder = new TextEncoder()
const records: ReadonlyArray<SourceRecord> = Array.from({ length: 3_000 }, (_, i) => ({
  eventId: `shard-0/${i}`,
  eventTimeMs: 1_700_000_000_000 + i,
  data: encoder.encode(JSON.stringify({ page: `page-${i % 30}`, user: `user-${i % 7}` })),
  sequence: String(49_000_000_000n + BigInt(i))
}))

const views = pipeline<View, number>({ name: "views", key: (v) => v.page, monoid: count, store: table })
const users = pipeline<View, StringSet>({
  name: "users",
  key: (v) => `users-of-${v.page}`,
  value: (v) => setOf(v.user),
  monoid: set,
  store: table,
  delivery: "claims"
})

beforeAll(() => createLocalTables(client, { aggregates: [table], claimsTable }))
afterAll(() => client.destroy())

describe("processBatch on DynamoDB", () => {
  it("counts a shard's batch exactly once through faults and redelivery (fenced, one write per key)", async () => {
    const counter = countRequests(client)
    const first = await run(processBatch(views, decoder, records, { shardId: "shardId-0" }).pipe(Effect.provide(live)))
    counter.remove()
    expect(first.outcomes.every((o) => o._tag === "Succeeded")).toBe(true)
    expect(counter.writes()).toBe(30)

    // Redeliver from the lowest failure, as Lambda does, with 20 % of DynamoDB calls failing.
    const faults = injectFaults(client, { rate: 0.2, seed: 5 })
    let start = 0
    let deliveries = 0
    while (start < records.length && deliveries < 30) {
      deliveries++
      const result = await run(
        processBatch(views, decoder, records.slice(start), { shardId: "shardId-0", retry: { baseMs: 1, capMs: 5 } })
          .pipe(Effect.provide(live))
      )
      const failed = result.outcomes.findIndex((o) => o._tag === "Failed" || o._tag === "NotAttempted")
      start = failed === -1 ? records.length : start + failed
    }
    faults.remove()
    expect(start).toBe(records.length)
    const totals = await run(
      Effect.flatMap(Store, (store) =>
        store.getMany(table, count, Array.from({ length: 30 }, (_, i) => ({ entity: `page-${i}`, bucket: 0 })))).pipe(
          Effect.provide(live)
        )
    )
    expect(totals).toEqual(Array.from({ length: 30 }, () => Option.some(100)))
  })

  it("claims pipeline: a whole redelivery is all duplicates", async () => {
    // Sets do not coalesce: one claims transaction (after one read) per record.
    const batch = records.slice(0, 150)
    const first = await run(processBatch(users, decoder, batch).pipe(Effect.provide(live)))
    const again = await run(processBatch(users, decoder, batch).pipe(Effect.provide(live)))
    expect(first.outcomes.every((o) => o._tag === "Succeeded")).toBe(true)
    expect(again.outcomes.every((o) => o._tag === "Duplicate")).toBe(true)
    const members = await run(Effect.flatMap(Store, (store) => store.get(table, set, { entity: "users-of-page-0", bucket: 0 })).pipe(
      Effect.provide(live)
    ))
    // page-0 gets records 0, 30, 60, 90, 120: users i mod 7.
    expect(Option.getOrThrow(members)).toEqual(setOf(...[0, 30, 60, 90, 120].map((i) => `user-${i % 7}`)))
  })
})
