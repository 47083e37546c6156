/** The DynamoDB lease layer keeps the same conditions as the memory one (on DynamoDB Local). */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import { afterAll, beforeAll, describe, inject, it } from "vitest"
import { localCredentials } from "../../../src/local/index.js"
import { createTables, makeDynamoCheckpoints, makeDynamoLeases } from "../../../src/state/dynamodb/index.js"
import { type LeaseTable, oldOwnersAreFenced, takesAreConditional } from "../../unit/leases/leaseContract.js"

const checkpointsTable = "leases-layer-it"
let dynamo: DynamoDBClient
let table: LeaseTable

beforeAll(async () => {
  dynamo = new DynamoDBClient({ endpoint: inject("dynamodbEndpoint"), region: "us-east-1", credentials: localCredentials, maxAttempts: 1 })
  await Effect.runPromise(createTables({ client: dynamo, checkpointsTable }))
  const service = makeDynamoLeases(dynamo, checkpointsTable)
  table = {
    service,
    row: (shardId) => Effect.map(service.list("views", "clicks"), (rows) => rows.find((row) => row.shardId === shardId))
  }
})

afterAll(() => dynamo?.destroy())

describe("DynamoLeases on DynamoDB Local", () => {
  it("take is conditional on the row as observed; the counter rises on every take", () =>
    Effect.runPromise(takesAreConditional(table, "shardId-000000000001")))

  it("the old owner can neither renew, release nor checkpoint after a take", () =>
    Effect.runPromise(oldOwnersAreFenced(table, "shardId-000000000002")))

  it("a shard checkpointed by runConsumer (no lease yet) can be taken, and its checkpoint is kept", async () => {
    const key = { app: "views", stream: "clicks", shardId: "shardId-000000000003" }
    await Effect.runPromise(makeDynamoCheckpoints(dynamo, checkpointsTable).save(key, "4242"))
    await Effect.runPromise(Effect.gen(function*() {
      const observed = yield* table.row(key.shardId)
      const taken = yield* table.service.take({ key, owner: "a", observed, expiresAt: 10, parents: [] })
      if (taken._tag === "None") throw new Error("take failed")
      const row = yield* table.row(key.shardId)
      if (row?.owner !== "a" || row.sequence !== "4242" || row.counter !== 1) throw new Error(JSON.stringify(row))
    }))
  })
})
