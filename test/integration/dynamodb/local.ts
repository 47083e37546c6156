import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import * as Effect from "effect/Effect"
import { inject } from "vitest"
import { createTables, type CreateTablesOptions } from "../../../src/state/dynamodb/index.js"
import { localCredentials } from "../../../src/local/index.js"

/** A client for the suite's DynamoDB Local, with the SDK's retries off like the library's default. */
export const localClient = (): DynamoDBClient =>
  new DynamoDBClient({
    endpoint: inject("dynamodbEndpoint"),
    region: "us-east-1",
    credentials: localCredentials,
    maxAttempts: 1
  })

/** Creates this file's tables (names must be unique to the file). */
export const createLocalTables = (client: DynamoDBClient, tables: Omit<CreateTablesOptions, "client">) =>
  Effect.runPromise(createTables({ client, ...tables }))

/** Runs an Effect that cannot fail by type, or throws its error for the test to see. */
export const run = <A, E>(effect: Effect.Effect<A, E>): Promise<A> => Effect.runPromise(effect)

/** Runs an Effect and returns its error (the test fails if it succeeds). */
export const runError = <A, E>(effect: Effect.Effect<A, E>): Promise<E> =>
  Effect.runPromise(Effect.flip(effect))
