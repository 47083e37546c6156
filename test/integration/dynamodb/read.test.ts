import { type BatchGetItemCommandOutput, PutItemCommand } from "@aws-sdk/client-dynamodb"
import * as Option from "effect/Option"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DecimalValue, set, setOf, sum } from "../../../src/monoid/index.js"
import type { CommitRequest } from "../../../src/state/Commit.js"
import { makeDynamoStore } from "../../../src/state/dynamodb/index.js"
import type { RowKey } from "../../../src/state/RowKey.js"
import { countRequests } from "../../support/requestCounter.js"
import { createLocalTables, localClient, run, runError } from "./local.js"

const table = "murmur-ddb-read-agg"
const client = localClient()
const store = makeDynamoStore(client)

const add = (key: RowKey, value: number, ttl?: number): CommitRequest<DecimalValue> => ({
  pipeline: "read",
  table,
  monoid: sum,
  key,
  ttl,
  strategy: { _tag: "AtLeastOnce" },
  contributions: [{ eventId: `e-${key.entity}-${key.bucket}`, sequence: undefined, value }]
})

beforeAll(() => createLocalTables(client, { aggregates: [table] }))
afterAll(() => client.destroy())

describe("DynamoDB store reads", () => {
  it("get returns the value, and None (not zero) for an absent row", async () => {
    await run(store.commit(add({ entity: "present", bucket: 0 }, 7)))
    expect(await run(store.get(table, sum, { entity: "present", bucket: 0 }))).toEqual(Option.some(7))
    expect(await run(store.get(table, sum, { entity: "present", bucket: 1 }))).toEqual(Option.none())
    expect(await run(store.get(table, sum, { entity: "absent", bucket: 0 }))).toEqual(Option.none())
  })

  it("getMany keeps input order over more than 100 keys, with duplicates and gaps", async () => {
    const written = Array.from({ length: 150 }, (_, i) => ({ entity: `many-${i}`, bucket: 3 }))
    await Promise.all(written.map((key, i) => run(store.commit(add(key, i + 1)))))
    // Reverse order, every third key absent, one key asked twice.
    const keys: Array<RowKey> = []
    for (let i = 249; i >= 0; i--) keys.push(i % 3 === 0 ? { entity: `missing-${i}`, bucket: 3 } : { entity: `many-${i % 150}`, bucket: 3 })
    keys.push({ entity: "many-1", bucket: 3 })
    const counter = countRequests(client)
    const values = await run(store.getMany(table, sum, keys))
    counter.remove()
    expect(values).toHaveLength(keys.length)
    keys.forEach((key, i) => {
      const expected = key.entity.startsWith("missing") ? Option.none() : Option.some(Number(key.entity.slice(5)) + 1)
      expect(values[i]).toEqual(expected)
    })
    // 167 distinct keys → 2 BatchGetItem calls.
    expect(counter.byCommand().get("BatchGetItemCommand")).toBe(2)
  })

  it("getMany asks again for UnprocessedKeys until every key is answered", async () => {
    const keys = Array.from({ length: 30 }, (_, i) => ({ entity: `unprocessed-${i}`, bucket: 0 }))
    await Promise.all(keys.map((key, i) => run(store.commit(add(key, i)))))
    // DynamoDB's answer to throttling, imitated: the first two answers hold back half their items.
    const throttled = localClient()
    let heldBack = 0
    throttled.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args)
        const output = result.output as BatchGetItemCommandOutput
        const items = output.Responses?.[table]
        if (items !== undefined && heldBack < 2 && items.length > 1) {
          heldBack++
          const kept = items.slice(0, Math.ceil(items.length / 2))
          const withheld = items.slice(kept.length).map((item) => ({ pk: item["pk"]!, sk: item["sk"]! }))
          output.Responses = { [table]: kept }
          output.UnprocessedKeys = { [table]: { Keys: withheld } }
        }
        return result
      },
      { step: "initialize", name: "holdBack" }
    )
    const counter = countRequests(throttled)
    const values = await run(makeDynamoStore(throttled).getMany(table, sum, keys))
    throttled.destroy()
    expect(values).toEqual(keys.map((_, i) => Option.some(i)))
    expect(heldBack).toBe(2)
    expect(counter.byCommand().get("BatchGetItemCommand")).toBe(3)
  })

  it("getMany of nothing sends nothing", async () => {
    const counter = countRequests(client)
    expect(await run(store.getMany(table, sum, []))).toEqual([])
    counter.remove()
    expect(counter.total()).toBe(0)
  })

  it("treats rows whose ttl has passed as absent (DynamoDB deletes them lazily)", async () => {
    const past = Math.floor(Date.now() / 1000) - 60
    const future = Math.floor(Date.now() / 1000) + 3600
    await run(store.commit(add({ entity: "expired", bucket: 9 }, 5, past)))
    await run(store.commit(add({ entity: "alive", bucket: 9 }, 6, future)))
    expect(await run(store.get(table, sum, { entity: "expired", bucket: 9 }))).toEqual(Option.none())
    expect(await run(store.getMany(table, sum, [{ entity: "expired", bucket: 9 }, { entity: "alive", bucket: 9 }])))
      .toEqual([Option.none(), Option.some(6)])
  })

  it("reads binary values and rejects a value of the wrong type (not transient)", async () => {
    await run(store.commit({
      pipeline: "read",
      table,
      monoid: set,
      key: { entity: "members", bucket: 0 },
      ttl: undefined,
      strategy: { _tag: "AtLeastOnce" },
      contributions: [{ eventId: "m1", sequence: undefined, value: setOf("b", "a") }]
    }))
    expect(await run(store.get(table, set, { entity: "members", bucket: 0 }))).toEqual(Option.some(["a", "b"]))
    await client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "bad" }, sk: { N: "0" }, v: { S: "x" } } }))
    const error = await runError(store.get(table, sum, { entity: "bad", bucket: 0 }))
    expect(error).toMatchObject({ _tag: "StoreError", transient: false })
  })

  it("a missing table is a non-transient StoreError", async () => {
    const error = await runError(store.get("murmur-ddb-read-nope", sum, { entity: "x", bucket: 0 }))
    expect(error).toMatchObject({ _tag: "StoreError", transient: false })
    expect(error.message).toContain("ResourceNotFoundException")
  })
})
