/**
 * `murmur query <module> <key>... [--last 1h]`: reads aggregates of a module's pipeline from
 * DynamoDB (region and endpoint from the environment, as `run`) and prints one JSON line per key.
 */
import { Console, Effect, Layer } from "effect"
import { InvalidConfig, type WindowRequired } from "../errors.js"
import { layerNoop } from "../metrics/noop.js"
import * as Query from "../query/index.js"
import { DynamoState } from "../state/dynamodb/DynamoState.js"
import type { Store } from "../state/Store.js"
import type { QueryCommand } from "./args.js"
import { loadPipelineModule } from "./pipelineModule.js"
import { runEnvironment } from "./runConfig.js"

/**
 * Prints `{"key": ..., "value": ...}` per key: the all-time value, or the value over `--last` for
 * a windowed pipeline (`WindowRequired` / `NotWindowed` say which one the pipeline needs).
 *
 * @example
 * NodeRuntime.runMain(queryKeys({ _tag: "Query", module: "./pipeline.ts", keys: ["/pricing"], last: Duration.hours(1) }))
 */
export const queryKeys = (command: QueryCommand) =>
  Effect.gen(function*() {
    const env = yield* Effect.mapError(runEnvironment, (cause) => new InvalidConfig({ field: "environment", message: cause.message }))
    const { pipeline } = yield* loadPipelineModule(command.module)
    const values: Effect.Effect<ReadonlyArray<Query.EntityValue<unknown>>, Query.WindowQueryError | WindowRequired, Store> = command.last === undefined
      ? Query.values(pipeline, command.keys)
      : Query.windowMany(pipeline, command.keys, command.last)
    const store = Layer.merge(
      DynamoState.layer({
        ...(env.region === undefined ? {} : { region: env.region }),
        ...(env.dynamodbEndpoint === undefined ? {} : { endpoint: env.dynamodbEndpoint })
      }),
      layerNoop
    )
    for (const { entity, value } of yield* Effect.provide(values, store)) {
      yield* Console.log(JSON.stringify({ key: entity, value }))
    }
  })
