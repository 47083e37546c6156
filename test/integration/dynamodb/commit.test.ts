import { GetItemCommand } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { first, type Latest, min, type Monoid, set, setOf, stamped, sum } from "../../../src/monoid/index.js"
import type { CommitRequest, CommitStrategy, Contribution } from "../../../src/state/Commit.js"
import { makeDynamoStore } from "../../../src/state/dynamodb/index.js"
import { countRequests } from "../../support/requestCounter.js"
import { createLocalTables, localClient, run, runError } from "./local.js"

const table = "murmur-ddb-commit-agg"
const client = localClient()
const store = makeDynamoStore(client)

const request = <V>(
  monoid: Monoid<V>,
  entity: string,
  values: ReadonlyArray<V>,
  strategy: CommitStrategy = { _tag: "AtLeastOnce" },
  options: { readonly ttl?: number; readonly firstSequence?: number; readonly bucket?: number } = {}
): CommitRequest<V> => ({
  pipeline: "commit",
  table,
  monoid,
  key: { entity, bucket: options.bucket ?? 0 },
  ttl: options.ttl,
  strategy,
  contributions: values.map((value, i): Contribution<V> => ({
    eventId: `${entity}-${(options.firstSequence ?? 1) + i}`,
    sequence: String((options.firstSequence ?? 1) + i),
    value
  }))
})

const rawItem = async (entity: string, bucket = 0) =>
  (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: entity }, sk: { N: String(bucket) } }, ConsistentRead: true }))).Item

beforeAll(() => createLocalTables(client, { aggregates: [table] }))
afterAll(() => client.destroy())

describe("DynamoDB store commits", () => {
  it("sum uses one UpdateItem ADD and sets the ttl", async () => {
    const counter = countRequests(client)
    const outcome = await run(store.commit(request(sum, "sum-add", [1, 2, 3], { _tag: "AtLeastOnce" }, { ttl: 4_000_000_000 })))
    await run(store.commit(request(sum, "sum-add", [10])))
    counter.remove()
    expect(outcome).toEqual({ applied: 6, alreadyApplied: [] })
    expect(Object.fromEntries(counter.byCommand())).toEqual({ UpdateItemCommand: 2 })
    expect(await run(store.get(table, sum, { entity: "sum-add", bucket: 0 }))).toEqual(Option.some(16))
    const item = await rawItem("sum-add")
    expect(item?.["ttl"]).toEqual({ N: "4000000000" })
    expect(item?.["ver"]).toBeUndefined() // an ADD row, like the Go library's
  })

  it("min keeps the smallest value through versioned writes (N storage, ver on the row)", async () => {
    await run(store.commit(request(min, "min-cas", [5, 3, 8])))
    await run(store.commit(request(min, "min-cas", [4])))
    await run(store.commit(request(min, "min-cas", [1, 9])))
    expect(await run(store.get(table, min, { entity: "min-cas", bucket: 0 }))).toEqual(Option.some(1))
    const item = await rawItem("min-cas")
    expect(item?.["v"]).toEqual({ N: "1" })
    expect(item?.["ver"]).toEqual({ N: "3" })
  })

  it("set unions through versioned writes (B storage)", async () => {
    await run(store.commit(request(set, "set-cas", [setOf("b"), setOf("a")])))
    await run(store.commit(request(set, "set-cas", [setOf("c", "a")], { _tag: "Fenced", shardId: "shardId-000000000001" }, { firstSequence: 10 })))
    expect(await run(store.get(table, set, { entity: "set-cas", bucket: 0 }))).toEqual(Option.some(["a", "b", "c"]))
    expect((await rawItem("set-cas"))?.["v"]?.B).toBeInstanceOf(Uint8Array)
  })

  it("first keeps the earliest stamped value", async () => {
    const monoid = first<string>()
    await run(store.commit(request<Latest<string>>(monoid, "first-cas", [stamped(20, "late"), stamped(10, "early")])))
    await run(store.commit(request<Latest<string>>(monoid, "first-cas", [stamped(15, "middle")])))
    expect(await run(store.get(table, monoid, { entity: "first-cas", bucket: 0 }))).toEqual(Option.some(stamped(10, "early")))
  })

  it("an unset min (identity only) writes no value and reads as absent", async () => {
    await run(store.commit(request(min, "min-unset", [null])))
    expect(await run(store.get(table, min, { entity: "min-unset", bucket: 0 }))).toEqual(Option.none())
    await run(store.commit(request(min, "min-unset", [7])))
    expect(await run(store.get(table, min, { entity: "min-unset", bucket: 0 }))).toEqual(Option.some(7))
  })

  it("concurrent compare-and-swap writers end exact", async () => {
    const writers = 8
    const perWriter = 5
    let commits = 0
    // Like the processor: a commit that stays in conflict fails transient and is tried again.
    const commit = (value: string) =>
      Effect.suspend(() => {
        commits++
        return store.commit(request(set, "set-race", [setOf(value)]))
      }).pipe(Effect.retry({ while: (error) => error.transient, times: 10 }))
    const tasks = Array.from({ length: writers }, (_, w) =>
      Effect.forEach(Array.from({ length: perWriter }, (_, i) => i), (i) => commit(`w${w}-${i}`)))
    const counter = countRequests(client)
    await run(Effect.all(tasks, { concurrency: "unbounded" }))
    counter.remove()
    const value = await run(store.get(table, set, { entity: "set-race", bucket: 0 }))
    expect(Option.getOrThrow(value)).toHaveLength(writers * perWriter)
    const item = await rawItem("set-race")
    expect(item?.["ver"]).toEqual({ N: String(writers * perWriter) })
    // A lost race is retried from the row DynamoDB returned: one read per commit attempt, no more.
    expect(counter.byCommand().get("GetItemCommand")).toBe(commits)
    expect(counter.byCommand().get("UpdateItemCommand")).toBeGreaterThanOrEqual(writers * perWriter)
  })

  it("concurrent sum writers end exact", async () => {
    await run(Effect.forEach(Array.from({ length: 60 }, (_, i) => i), () => store.commit(request(sum, "sum-race", [1])), {
      concurrency: 20
    }))
    expect(await run(store.get(table, sum, { entity: "sum-race", bucket: 0 }))).toEqual(Option.some(60))
  })

  it("a CAS writer that keeps losing gives up with a transient StoreError", async () => {
    // Every write of this commit races a rival commit that lands first.
    const rival = localClient()
    let rivals = 0
    const racing = localClient()
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "UpdateItemCommand") {
          rivals++
          await Effect.runPromise(makeDynamoStore(rival).commit(request(set, "set-lost", [setOf(`rival-${rivals}`)])))
        }
        return next(args)
      },
      { step: "initialize", name: "rival" }
    )
    const error = await runError(makeDynamoStore(racing, { conflictRetry: { maxAttempts: 2, baseMs: 0, capMs: 0 } })
      .commit(request(set, "set-lost", [setOf("mine")])))
    racing.destroy()
    rival.destroy()
    expect(error).toMatchObject({ _tag: "StoreError", transient: true })
    expect(rivals).toBe(2)
    expect(Option.getOrThrow(await run(store.get(table, set, { entity: "set-lost", bucket: 0 })))).not.toContain("mine")
  })

  it("a validation error is not transient", async () => {
    const error = await runError(store.commit(request(sum, "", [1])))
    expect(error).toMatchObject({ _tag: "StoreError", transient: false })
    expect(error.message).toContain("ValidationException")
  })
})
