import { InternalServerError, ProvisionedThroughputExceededException, ThrottlingException } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sum } from "../../../src/monoid/index.js"
import { retrySchedule } from "../../../src/retry/index.js"
import type { CommitRequest } from "../../../src/state/Commit.js"
import { isTransient, makeDynamoStore } from "../../../src/state/dynamodb/index.js"
import { injectFaults } from "../../support/faults.js"
import { countRequests } from "../../support/requestCounter.js"
import { commitRequests, expectedSums, shardRecords, shuffled, type TestRecord } from "./batch.js"
import { createLocalTables, localClient, run, runError } from "./local.js"

const table = "murmur-ddb-faults-agg"
const claimsTable = "murmur-ddb-faults-claims"
const client = localClient()
const store = makeDynamoStore(client, { claimsTable })

// What the processor does around each commit: a few attempts with full jitter on transient errors.
const commitLikeProcessor = <V>(request: CommitRequest<V>) =>
  store.commit(request).pipe(
    Effect.retry({ schedule: retrySchedule({ maxAttempts: 3, baseMs: 1, capMs: 10 }), while: (e) => e.transient }),
    Effect.either
  )

const sumsOf = async (prefix: string, keys: number) => {
  const values = await run(
    store.getMany(table, sum, Array.from({ length: keys }, (_, i) => ({ entity: `${prefix}${i}`, bucket: 0 })))
  )
  return new Map(values.map((value, i) => [`${prefix}${i}`, Option.getOrElse(value, () => 0)]))
}

beforeAll(() => createLocalTables(client, { aggregates: [table], claimsTable }))
afterAll(() => client.destroy())

describe("DynamoDB store under injected faults", () => {
  it("fenced: 10,000 events, 20 % of calls failing, redelivered from the lowest failure until done: exact", async () => {
    const records = shardRecords(10_000, 100, (i) => (i % 4) + 1, "fenced")
    const position = new Map(records.map((r, i) => [r.eventId, i]))
    const faults = injectFaults(client, { rate: 0.2, seed: 7 })
    let start = 0
    let deliveries = 0
    while (start < records.length && deliveries < 50) {
      deliveries++
      // Like Lambda on a shard: the batch resumes at the lowest failed record.
      const requests = commitRequests(records.slice(start), {
        pipeline: "p",
        table,
        monoid: sum,
        strategy: { _tag: "Fenced", shardId: "shardId-000000000007" }
      })
      const results = await run(Effect.forEach(requests, commitLikeProcessor, { concurrency: 8 }))
      const failedFrom = requests
        .filter((_, i) => results[i]!._tag === "Left")
        .map((r) => position.get(r.contributions[0]!.eventId)!)
      start = failedFrom.length === 0 ? records.length : Math.min(...failedFrom)
    }
    faults.remove()
    const stats = faults.stats()
    expect(start).toBe(records.length)
    expect(stats.before).toBeGreaterThan(0)
    expect(stats.after).toBeGreaterThan(0)
    expect(await sumsOf("fenced", 100)).toEqual(expectedSums(records))
  })

  it("claims: 10,000 events, 20 % of calls failing, failed records redelivered (shuffled) until done: exact", async () => {
    const records = shardRecords(10_000, 100, (i) => (i % 4) + 1, "claims")
    const faults = injectFaults(client, { rate: 0.2, seed: 11 })
    let pending: ReadonlyArray<TestRecord<number>> = records
    let deliveries = 0
    while (pending.length > 0 && deliveries < 50) {
      deliveries++
      const requests = commitRequests(shuffled(pending, deliveries), {
        pipeline: "p",
        table,
        monoid: sum,
        strategy: { _tag: "Claims", claimTtlSeconds: 3600 }
      })
      const results = await run(Effect.forEach(requests, commitLikeProcessor, { concurrency: 4 }))
      const failed = new Set(requests.filter((_, i) => results[i]!._tag === "Left").flatMap((r) => r.contributions.map((c) => c.eventId)))
      pending = records.filter((r) => failed.has(r.eventId))
    }
    faults.remove()
    expect(pending).toHaveLength(0)
    expect(faults.stats().after).toBeGreaterThan(0)
    expect(await sumsOf("claims", 100)).toEqual(expectedSums(records))
  })

  it("throttling, 5xx and network errors are transient; validation errors are not", async () => {
    const metadata = { httpStatusCode: 400 }
    expect(isTransient(new ProvisionedThroughputExceededException({ message: "x", $metadata: metadata }))).toBe(true)
    expect(isTransient(new ThrottlingException({ message: "x", $metadata: metadata }))).toBe(true)
    expect(isTransient(new InternalServerError({ message: "x", $metadata: { httpStatusCode: 500 } }))).toBe(true)
    expect(isTransient(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))).toBe(true)
    expect(isTransient(Object.assign(new Error("timed out"), { name: "TimeoutError" }))).toBe(true)
    expect(isTransient({ name: "ServiceUnavailable", $metadata: { httpStatusCode: 503 } })).toBe(true)
    expect(isTransient({ name: "ValidationException", $metadata: metadata })).toBe(false)
    expect(isTransient({ name: "ResourceNotFoundException", $metadata: metadata })).toBe(false)

    // Through a real call: an injected throttle surfaces as a transient StoreError.
    const [request] = commitRequests(shardRecords(1, 1, () => 1, "classify"), {
      pipeline: "p",
      table,
      monoid: sum,
      strategy: { _tag: "AtLeastOnce" }
    })
    const faults = injectFaults(client, { rate: 1, seed: 1, afterShare: 0, kinds: ["throttle"] })
    const error = await runError(store.commit(request!))
    faults.remove()
    expect(error).toMatchObject({ _tag: "StoreError", transient: true })
    expect(error.message).toContain("ProvisionedThroughputExceededException")
  })

  it("a write whose answer was lost is found applied on retry (fenced), not applied twice", async () => {
    const [request] = commitRequests(shardRecords(5, 1, () => 2, "lost"), {
      pipeline: "p",
      table,
      monoid: sum,
      strategy: { _tag: "Fenced", shardId: "s" }
    })
    const faults = injectFaults(client, { rate: 1, seed: 3, afterShare: 1, commands: ["UpdateItemCommand"] })
    const counter = countRequests(client)
    const lost = await runError(store.commit(request!))
    faults.remove()
    const retried = await run(store.commit(request!))
    counter.remove()
    expect(lost.transient).toBe(true)
    expect(retried.alreadyApplied).toHaveLength(5)
    expect(counter.writes()).toBe(2)
    expect(await run(store.get(table, sum, { entity: "lost0", bucket: 0 }))).toEqual(Option.some(10))
  })
})
