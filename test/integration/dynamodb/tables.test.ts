import { DescribeTableCommand, DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import { afterAll, describe, expect, it } from "vitest"
import { dynamoStateConfigFromEnv } from "../../../src/state/dynamodb/index.js"
import { countRequests } from "../../support/requestCounter.js"
import { createLocalTables, localClient } from "./local.js"

const client = localClient()
afterAll(() => client.destroy())

const names = { aggregates: ["murmur-ddb-tables-agg"], claimsTable: "murmur-ddb-tables-claims", checkpointsTable: "murmur-ddb-tables-cp" }

describe("createTables", () => {
  it("creates the layout on demand with TTL, and is idempotent", async () => {
    await createLocalTables(client, names)
    const counter = countRequests(client)
    await createLocalTables(client, names)
    counter.remove()
    // The second run finds everything in place: no TTL update.
    expect(counter.byCommand().get("UpdateTimeToLiveCommand")).toBeUndefined()
    const aggregate = (await client.send(new DescribeTableCommand({ TableName: "murmur-ddb-tables-agg" }))).Table
    expect(aggregate?.KeySchema).toEqual([{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }])
    expect(aggregate?.AttributeDefinitions).toEqual(
      expect.arrayContaining([{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }])
    )
    expect(aggregate?.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST")
    const checkpoints = (await client.send(new DescribeTableCommand({ TableName: "murmur-ddb-tables-cp" }))).Table
    expect(checkpoints?.AttributeDefinitions).toEqual(
      expect.arrayContaining([{ AttributeName: "sk", AttributeType: "S" }])
    )
    for (const table of ["murmur-ddb-tables-agg", "murmur-ddb-tables-claims"]) {
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: table }))
      expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: "ttl", TimeToLiveStatus: "ENABLED" })
    }
  })
})

describe("configuration from the environment", () => {
  const load = (env: Record<string, string>) =>
    Effect.runPromise(Effect.withConfigProvider(dynamoStateConfigFromEnv, ConfigProvider.fromMap(new Map(Object.entries(env)))))

  it("reads the MURMUR_ variables, falling back to AWS_REGION", async () => {
    expect(await load({
      MURMUR_REGION: "eu-west-1",
      AWS_REGION: "us-east-1",
      MURMUR_DYNAMODB_ENDPOINT: "http://127.0.0.1:8000",
      MURMUR_CLAIMS_TABLE: "claims",
      MURMUR_CHECKPOINTS_TABLE: "checkpoints"
    })).toEqual({
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:8000",
      claimsTable: "claims",
      checkpointsTable: "checkpoints"
    })
    expect(await load({ AWS_REGION: "us-east-1" })).toEqual({ region: "us-east-1" })
    expect(await load({})).toEqual({})
  })
})
