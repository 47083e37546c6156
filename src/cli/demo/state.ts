/**
 * Where the demo keeps its aggregates: DynamoDB Local when Java is present (started here, or an
 * endpoint given by the caller), else the in-memory store, which both drivers then share.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { layerMemory, type MetricsSnapshots } from "../../metrics/memory.js"
import type { Metrics } from "../../metrics/Metrics.js"
import type { Checkpoints } from "../../state/Checkpoints.js"
import { DynamoLeases } from "../../state/dynamodb/DynamoLeases.js"
import { DynamoState } from "../../state/dynamodb/DynamoState.js"
import { createTables } from "../../state/dynamodb/tables.js"
import * as MemoryLeases from "../../state/memory/MemoryLeases.js"
import * as MemoryState from "../../state/memory/MemoryState.js"
import { Leases } from "../../state/Leases.js"
import type { Store } from "../../state/Store.js"
import { localDynamoClient, startDynamoDbLocal } from "../../local/dynamodbLocal.js"
import { javaAvailable } from "../../local/java.js"
import { DemoFailed, serverFailed } from "../errors.js"

/**
 * The services both drivers and the queries run with. Metrics are kept in memory so the query
 * server's dashboard and `/metrics` can show them; leases (on the checkpoints table) serve
 * `--workers`.
 */
export type DemoServices = Store | Checkpoints | Leases | Metrics | MetricsSnapshots

/** What `demoState` chose and built. */
export interface DemoState {
  readonly context: Context.Context<DemoServices>
  /** One line saying where the aggregates live, for the demo's output. */
  readonly description: string
  readonly backend: "memory" | "dynamodb"
}

/** How `demoState` chooses. */
export interface DemoStateOptions {
  /** Use the in-memory store whatever is installed. */
  readonly memory: boolean
  /** Use this DynamoDB (e.g. a DynamoDB Local already running) instead of starting one. */
  readonly dynamodbEndpoint?: string | undefined
  readonly aggregatesTable: string
  readonly checkpointsTable: string
}

const memory = (description: string): Effect.Effect<DemoState, never, Scope.Scope> =>
  Effect.map(Layer.build(Layer.mergeAll(MemoryState.make().layer, MemoryLeases.layer, layerMemory)), (context) => ({
    context,
    description,
    backend: "memory" as const
  }))

const dynamo = (endpoint: string, options: DemoStateOptions, description: string) =>
  Effect.gen(function*() {
    const client = yield* Effect.acquireRelease(Effect.sync(() => localDynamoClient(endpoint)), (client) => Effect.sync(() => client.destroy()))
    yield* createTables({ client, aggregates: [options.aggregatesTable], checkpointsTable: options.checkpointsTable }).pipe(
      Effect.mapError((cause) => new DemoFailed({ reason: "server", message: `could not create the tables: ${cause.message}`, cause }))
    )
    const layer = Layer.mergeAll(
      DynamoState.layer({ client, checkpointsTable: options.checkpointsTable }),
      Layer.succeed(Leases, DynamoLeases.make(client, options.checkpointsTable)),
      layerMemory
    )
    const context = yield* Layer.build(layer)
    return { context, description, backend: "dynamodb" as const } satisfies DemoState
  })

/**
 * Builds the demo's state services for the life of the scope (a DynamoDB Local started here is
 * killed when it closes).
 *
 * @example
 * const state = yield* demoState({ memory: false, aggregatesTable: "murmur-demo", checkpointsTable: "murmur-demo-checkpoints" })
 */
export const demoState = (options: DemoStateOptions): Effect.Effect<DemoState, DemoFailed, Scope.Scope> =>
  Effect.gen(function*() {
    if (options.memory) return yield* memory("store: in memory (--memory)")
    if (options.dynamodbEndpoint !== undefined) {
      return yield* dynamo(options.dynamodbEndpoint, options, `store: DynamoDB at ${options.dynamodbEndpoint}`)
    }
    if (!(yield* javaAvailable)) {
      return yield* memory("store: in memory — Java was not found (`java -version` failed), so DynamoDB Local cannot run")
    }
    const { endpoint } = yield* Effect.mapError(startDynamoDbLocal, serverFailed)
    return yield* dynamo(endpoint, options, `store: DynamoDB Local (in memory, JVM started here) at ${endpoint}`)
  })
