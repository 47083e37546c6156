import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DecimalValue, set, setOf, sum } from "../../../src/monoid/index.js"
import { claimId, type CommitOutcome, type CommitRequest } from "../../../src/state/Commit.js"
import { Deduper } from "../../../src/state/Deduper.js"
import { DynamoState, DynamoStore, DynamoClient, makeDynamoDeduper, makeDynamoStore } from "../../../src/state/dynamodb/index.js"
import { Store } from "../../../src/state/Store.js"
import { countRequests } from "../../support/requestCounter.js"
import { commitRequests, expectedSums, shardRecords, shuffled } from "./batch.js"
import { createLocalTables, localClient, run, runError } from "./local.js"

const table = "murmur-ddb-claims-agg"
const claimsTable = "murmur-ddb-claims-claims"
const client = localClient()
const store = makeDynamoStore(client, { claimsTable })
const deduper = makeDynamoDeduper(client, claimsTable)
const claims = { _tag: "Claims", claimTtlSeconds: 3600 } as const

const commitAll = <V>(requests: ReadonlyArray<CommitRequest<V>>, concurrency = 8) =>
  run(Effect.forEach(requests, (request) => store.commit(request), { concurrency }))

const sumsOf = async (prefix: string, keys: number) => {
  const values = await run(
    store.getMany(table, sum, Array.from({ length: keys }, (_, i) => ({ entity: `${prefix}${i}`, bucket: 0 })))
  )
  return new Map(values.map((value, i) => [`${prefix}${i}`, Option.getOrElse(value, () => 0)]))
}

const alreadyAppliedIn = (outcomes: ReadonlyArray<CommitOutcome<unknown>>) => outcomes.flatMap((o) => o.alreadyApplied)

beforeAll(() => createLocalTables(client, { aggregates: [table], claimsTable }))
afterAll(() => client.destroy())

describe("claims commits on DynamoDB", () => {
  it("10,000 records over 100 keys: at most 202 requests, exact totals, and a redelivery adds nothing", async () => {
    const records = shardRecords(10_000, 100, (i) => (i % 3) + 1, "big")
    const requests = commitRequests(records, { pipeline: "p", table, monoid: sum, strategy: claims })
    const counter = countRequests(client)
    await commitAll(requests, 4)
    const requestsSent = counter.total()
    counter.reset()
    const again = await commitAll(requests, 4)
    counter.remove()
    // 100 records per key = one transaction of 99 claims and one of 1 (each with the row's ADD).
    expect(requestsSent).toBeLessThanOrEqual(202)
    expect(Object.fromEntries(counter.byCommand())).toEqual({ TransactWriteItemsCommand: 200 })
    expect(await sumsOf("big", 100)).toEqual(expectedSums(records))
    expect(again.every((o) => o.applied === 0)).toBe(true)
    expect(alreadyAppliedIn(again)).toHaveLength(10_000)
  })

  it("a shuffled, partial, overlapping redelivery applies only what is new", async () => {
    const records = shardRecords(600, 6, (i) => i, "part")
    await commitAll(commitRequests(shuffled(records.slice(0, 400), 1), { pipeline: "p", table, monoid: sum, strategy: claims }))
    const outcomes = await commitAll(
      commitRequests(shuffled(records.slice(200), 2), { pipeline: "p", table, monoid: sum, strategy: claims })
    )
    expect(await sumsOf("part", 6)).toEqual(expectedSums(records))
    expect(new Set(alreadyAppliedIn(outcomes))).toEqual(new Set(records.slice(200, 400).map((r) => r.eventId)))
  })

  it("concurrent duplicate commits count each record once", async () => {
    const records = shardRecords(300, 3, () => 1, "race")
    const batches = [records, shuffled(records, 3), records.slice(100, 250)]
    const outcomes = await run(
      Effect.forEach(
        batches,
        (batch) =>
          Effect.forEach(commitRequests(batch, { pipeline: "p", table, monoid: sum, strategy: claims }), (r) =>
            store.commit(r).pipe(Effect.retry({ while: (error) => error.transient, times: 5 }))),
        { concurrency: "unbounded" }
      )
    )
    expect(await sumsOf("race", 3)).toEqual(expectedSums(records))
    expect(outcomes.flat().reduce((acc, o) => acc + Number(o.applied), 0)).toBe(300)
  })

  it("versioned rows (set) commit with their claims, and a redelivery adds nothing", async () => {
    const records = shardRecords(250, 2, (i) => setOf(`m${i}`), "set")
    const requests = commitRequests(records, { pipeline: "p", table, monoid: set, strategy: claims })
    await commitAll(requests)
    const again = await commitAll(commitRequests(shuffled(records, 4), { pipeline: "p", table, monoid: set, strategy: claims }))
    expect(alreadyAppliedIn(again)).toHaveLength(250)
    for (let k = 0; k < 2; k++) {
      expect(Option.getOrThrow(await run(store.get(table, set, { entity: `set${k}`, bucket: 0 })))).toHaveLength(125)
    }
  })

  it("concurrent claims commits on one versioned row end exact", async () => {
    const records = shardRecords(120, 1, (i) => setOf(`c${i}`), "set-race")
    const parts = [records.slice(0, 40), records.slice(40, 80), records.slice(80), records.slice(20, 100)]
    await run(Effect.forEach(parts, (part) =>
      store.commit(commitRequests(part, { pipeline: "p", table, monoid: set, strategy: claims })[0]!).pipe(
        Effect.retry({ while: (error) => error.transient, times: 5 })
      ), { concurrency: "unbounded" }))
    expect(Option.getOrThrow(await run(store.get(table, set, { entity: "set-race0", bucket: 0 })))).toHaveLength(120)
  })

  it("claims are namespaced by pipeline and by row, and the Deduper reads them", async () => {
    const [one] = commitRequests(shardRecords(3, 1, () => 1, "ns"), { pipeline: "p1", table, monoid: sum, strategy: claims })
    await commitAll([one!, { ...one!, pipeline: "p2" }, { ...one!, key: { entity: "ns0", bucket: 7 } }, one!])
    expect(await run(store.get(table, sum, { entity: "ns0", bucket: 0 }))).toEqual(Option.some(6))
    expect(await run(store.get(table, sum, { entity: "ns0", bucket: 7 }))).toEqual(Option.some(3))
    const ids = one!.contributions.map((c) => claimId("p1", c.eventId, one!.key))
    const found = await run(deduper.claimed([...ids, claimId("p3", "shard-1/0", one!.key)]))
    expect(found).toEqual(new Set(ids))
  })

  it("claims of keys too long for a partition key are stored hashed, and still deduplicate", async () => {
    const entity = "x".repeat(2_040)
    const request: CommitRequest<DecimalValue> = {
      pipeline: "p",
      table,
      monoid: sum,
      key: { entity, bucket: 0 },
      ttl: undefined,
      strategy: claims,
      contributions: [{ eventId: "long-1", sequence: undefined, value: 5 }]
    }
    await commitAll([request, request])
    expect(await run(store.get(table, sum, { entity, bucket: 0 }))).toEqual(Option.some(5))
    const id = claimId("p", "long-1", request.key)
    expect(await run(deduper.claimed([id]))).toEqual(new Set([id]))
  })

  it("an expired claim no longer blocks its event", async () => {
    const [request] = commitRequests(shardRecords(2, 1, () => 1, "expiring"), {
      pipeline: "p",
      table,
      monoid: sum,
      strategy: { _tag: "Claims", claimTtlSeconds: -120 }
    })
    await commitAll([request!])
    expect(await run(deduper.claimed(request!.contributions.map((c) => claimId("p", c.eventId, request!.key)))))
      .toEqual(new Set())
    await commitAll([request!])
    expect(await run(store.get(table, sum, { entity: "expiring0", bucket: 0 }))).toEqual(Option.some(4))
  })

  it("without a Deduper a claims commit fails, not transient; the layers wire one in", async () => {
    const [request] = commitRequests(shardRecords(1, 1, () => 1, "layers"), { pipeline: "p", table, monoid: sum, strategy: claims })
    const bare = DynamoStore.layer().pipe(Layer.provide(DynamoClient.layer({ client })))
    const error = await runError(Effect.flatMap(Store, (s) => s.commit(request!)).pipe(Effect.provide(bare)))
    expect(error).toMatchObject({ _tag: "StoreError", transient: false })
    expect(error.message).toContain("Deduper")
    const wired = DynamoState.layer({ client, claimsTable })
    const outcome = await run(
      Effect.gen(function*() {
        const d = yield* Deduper
        const outcome = yield* (yield* Store).commit(request!)
        return { outcome, table: d.table }
      }).pipe(Effect.provide(wired))
    )
    expect(outcome).toEqual({ outcome: { applied: 1, alreadyApplied: [] }, table: claimsTable })
  })
})
