import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists
} from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import type { StoreError } from "../../errors.js"
import { errorName } from "../storeErrors.js"
import { send } from "./send.js"

/** Aggregates: `pk` (S) entity, `sk` (N) bucket; TTL on `ttl`. The Go library's layout. */
export const aggregateTableDefinition = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" },
    { AttributeName: "sk", AttributeType: "N" }
  ],
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" }
  ]
})

/** Dedup claims: `pk` (S) claim id; TTL on `ttl`. */
export const claimsTableDefinition = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }]
})

/** Checkpoints: `pk` (S) `<app>#<stream>`, `sk` (S) shard id; no TTL. */
export const checkpointsTableDefinition = (name: string): CreateTableCommandInput => ({
  TableName: name,
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" },
    { AttributeName: "sk", AttributeType: "S" }
  ],
  KeySchema: [
    { AttributeName: "pk", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" }
  ]
})

const create = (client: DynamoDBClient, definition: CreateTableCommandInput) =>
  send("CreateTable", (abortSignal) => client.send(new CreateTableCommand(definition), { abortSignal })).pipe(
    Effect.asVoid,
    Effect.catchIf((error) => errorName(error.cause) === "ResourceInUseException", () => Effect.void),
    Effect.zipRight(
      Effect.tryPromise({
        try: () => waitUntilTableExists({ client, maxWaitTime: 120 }, { TableName: definition.TableName }),
        catch: (cause) => cause
      }).pipe(Effect.orDie)
    )
  )

const enableTtl = (client: DynamoDBClient, table: string) =>
  Effect.gen(function*() {
    const described = yield* send("DescribeTimeToLive", (abortSignal) =>
      client.send(new DescribeTimeToLiveCommand({ TableName: table }), { abortSignal }))
    const status = described.TimeToLiveDescription?.TimeToLiveStatus
    if (status === "ENABLED" || status === "ENABLING") return
    yield* send("UpdateTimeToLive", (abortSignal) =>
      client.send(
        new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { AttributeName: "ttl", Enabled: true } }),
        { abortSignal }
      )).pipe(
        // A concurrent creator may have enabled it between the two calls.
        Effect.catchIf((error) => /already enabled/i.test(error.message), () => Effect.void),
        Effect.asVoid
      )
  })

/** What `createTables` creates. */
export interface CreateTablesOptions {
  readonly client: DynamoDBClient
  /** Aggregate tables (the pipelines' `store`). */
  readonly aggregates?: ReadonlyArray<string>
  readonly claimsTable?: string
  /** Checkpoints of the polling consumer; also holds `runWorker`'s leases (same items, no table of their own). */
  readonly checkpointsTable?: string
}

/**
 * Creates the tables the DynamoDB layers use: on-demand billing, TTL on `ttl` for aggregates and
 * claims. Idempotent: existing tables are kept (their definitions are not checked). For
 * CloudFormation/CDK definitions see docs/dynamodb.md.
 *
 * @example
 * await Effect.runPromise(createTables({ client, aggregates: ["page-views"], claimsTable: "murmur-claims" }))
 */
export const createTables = (options: CreateTablesOptions): Effect.Effect<void, StoreError> => {
  const { client } = options
  const withTtl = [...(options.aggregates ?? []), ...(options.claimsTable === undefined ? [] : [options.claimsTable])]
  const definitions = [
    ...(options.aggregates ?? []).map(aggregateTableDefinition),
    ...(options.claimsTable === undefined ? [] : [claimsTableDefinition(options.claimsTable)]),
    ...(options.checkpointsTable === undefined ? [] : [checkpointsTableDefinition(options.checkpointsTable)])
  ]
  return Effect.forEach(definitions, (definition) => create(client, definition), { concurrency: 4, discard: true }).pipe(
    Effect.zipRight(Effect.forEach(withTtl, (table) => enableTtl(client, table), { concurrency: 4, discard: true }))
  )
}
