import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { set, setOf, type StringSet, sum } from "../../../src/monoid/index.js"
import type { CommitOutcome, CommitRequest } from "../../../src/state/Commit.js"
import { makeDynamoStore, markAttribute } from "../../../src/state/dynamodb/index.js"
import { countRequests } from "../../support/requestCounter.js"
import { commitRequests, expectedSums, shardRecords } from "./batch.js"
import { createLocalTables, localClient, run, runError } from "./local.js"

const table = "murmur-ddb-fenced-agg"
const client = localClient()
const store = makeDynamoStore(client)
const shard = { _tag: "Fenced", shardId: "shardId-000000000001" } as const

const commitAll = <V>(requests: ReadonlyArray<CommitRequest<V>>) =>
  run(Effect.forEach(requests, (request) => store.commit(request), { concurrency: 8 }))

const sumsOf = async (prefix: string, keys: number) => {
  const values = await run(
    store.getMany(table, sum, Array.from({ length: keys }, (_, i) => ({ entity: `${prefix}${i}`, bucket: 0 })))
  )
  return new Map(values.map((value, i) => [`${prefix}${i}`, Option.getOrElse(value, () => 0)]))
}

const alreadyAppliedIn = (outcomes: ReadonlyArray<CommitOutcome<unknown>>) => outcomes.flatMap((o) => o.alreadyApplied)

beforeAll(() => createLocalTables(client, { aggregates: [table] }))
afterAll(() => client.destroy())

describe("fenced commits on DynamoDB", () => {
  it("10,000 records over 100 keys: at most 100 write requests, exact totals, and a redelivery adds nothing", async () => {
    const records = shardRecords(10_000, 100, (i) => (i % 7) + 1, "big")
    const requests = commitRequests(records, { pipeline: "p", table, monoid: sum, strategy: shard })
    const counter = countRequests(client)
    const outcomes = await commitAll(requests)
    const firstWrites = counter.writes()
    const firstTotal = counter.total()
    counter.reset()
    const again = await commitAll(requests)
    const redeliveryRequests = counter.total()
    counter.remove()
    // The Go library's claim-then-merge issues 20,000 requests (and write units) for the same batch.
    expect(firstWrites).toBeLessThanOrEqual(100)
    expect(firstTotal).toBe(firstWrites)
    expect(outcomes.reduce((acc, o) => acc + Number(o.applied), 0)).toBe(records.reduce((acc, r) => acc + r.value, 0))
    expect(await sumsOf("big", 100)).toEqual(expectedSums(records))
    expect(again.every((o) => o.applied === 0)).toBe(true)
    expect(alreadyAppliedIn(again)).toHaveLength(10_000)
    // One conditional write per key finds its mark; DynamoDB returns the row, so no extra read.
    expect(redeliveryRequests).toBe(100)
  })

  it("a partial, overlapping redelivery applies only what is new", async () => {
    const records = shardRecords(1_000, 10, (i) => i, "part")
    await commitAll(commitRequests(records.slice(0, 600), { pipeline: "p", table, monoid: sum, strategy: shard }))
    const outcomes = await commitAll(commitRequests(records.slice(400), { pipeline: "p", table, monoid: sum, strategy: shard }))
    expect(await sumsOf("part", 10)).toEqual(expectedSums(records))
    expect(new Set(alreadyAppliedIn(outcomes))).toEqual(new Set(records.slice(400, 600).map((r) => r.eventId)))
  })

  it("concurrent duplicate invocations of overlapping batches count each record once", async () => {
    const records = shardRecords(2_000, 20, (i) => (i % 5) + 1, "dup")
    // A batch is a contiguous run that starts after what was applied: 500 came in first.
    await commitAll(commitRequests(records.slice(0, 500), { pipeline: "p", table, monoid: sum, strategy: shard }))
    const batches = [records, records, records.slice(500, 1_500), records.slice(0, 1_000), records.slice(500)]
    await run(
      Effect.forEach(
        batches,
        (batch) =>
          Effect.forEach(commitRequests(batch, { pipeline: "p", table, monoid: sum, strategy: shard }), (r) => store.commit(r), {
            concurrency: 4
          }),
        { concurrency: "unbounded" }
      )
    )
    expect(await sumsOf("dup", 20)).toEqual(expectedSums(records))
  })

  it("marks are per shard: another shard's records on the same row still apply", async () => {
    const records = shardRecords(50, 1, () => 1, "two-shards")
    const [one] = commitRequests(records, { pipeline: "p", table, monoid: sum, strategy: shard })
    const [two] = commitRequests(records, {
      pipeline: "p",
      table,
      monoid: sum,
      strategy: { _tag: "Fenced", shardId: "shardId-000000000002" }
    })
    await commitAll([one!, two!, one!, two!])
    expect(await sumsOf("two-shards", 1)).toEqual(new Map([["two-shards0", 100]]))
  })

  it("versioned rows (set) are fenced too, in full and partial redeliveries", async () => {
    const records = shardRecords(300, 3, (i) => setOf(`m${i}`), "set")
    const requests = (from: number, to: number) =>
      commitRequests(records.slice(from, to), { pipeline: "p", table, monoid: set, strategy: shard })
    await commitAll(requests(0, 200))
    const partial = await commitAll(requests(100, 300))
    const full = await commitAll(requests(0, 300))
    expect(alreadyAppliedIn(partial)).toHaveLength(100)
    expect(alreadyAppliedIn(full)).toHaveLength(300)
    expect(full.every((o) => (o.applied as StringSet).length === 0)).toBe(true)
    for (let k = 0; k < 3; k++) {
      const value = await run(store.get(table, set, { entity: `set${k}`, bucket: 0 }))
      expect(Option.getOrThrow(value)).toHaveLength(100)
    }
  })

  it("concurrent duplicate commits of a versioned row apply once", async () => {
    const records = shardRecords(100, 1, (i) => setOf(`c${i}`), "set-dup")
    const requests = commitRequests(records, { pipeline: "p", table, monoid: set, strategy: shard })
    const outcomes = await run(Effect.all(Array.from({ length: 4 }, () => store.commit(requests[0]!)), { concurrency: "unbounded" }))
    expect(Option.getOrThrow(await run(store.get(table, set, { entity: "set-dup0", bucket: 0 })))).toHaveLength(100)
    // Exactly one of them applied the records; the others found them applied.
    expect(outcomes.filter((o) => o.applied.length === 100)).toHaveLength(1)
    expect(alreadyAppliedIn(outcomes)).toHaveLength(300)
  })

  it("a fenced commit without sequence numbers is rejected (not transient)", async () => {
    const error = await runError(store.commit({
      pipeline: "p",
      table,
      monoid: sum,
      key: { entity: "no-seq", bucket: 0 },
      ttl: undefined,
      strategy: shard,
      contributions: [{ eventId: "x", sequence: undefined, value: 1 }]
    }))
    expect(error).toMatchObject({ _tag: "StoreError", transient: false })
  })

  it("shard ids become distinct attribute names", () => {
    expect(markAttribute("shardId-000000000001")).toBe("hwm_shardId-000000000001")
    expect(markAttribute("a_b")).not.toBe(markAttribute("a/b"))
    expect(markAttribute("a b")).toMatch(/^hwm_[A-Za-z0-9.\-_]+$/)
  })
})
