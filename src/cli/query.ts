/**
 * `murmur query <module> <key>... [--last 1h] [--contains element]`: reads aggregates of a module's
 * pipeline from DynamoDB (region and endpoint from the environment, as `run`) and prints one JSON
 * line per key, each value as its answer (`Query.renderAt`: an hll's `{ estimate }`, a top-K's
 * `[{ item, count }]`, a decayed sum's value now), or a bloom pipeline's membership.
 */
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { InvalidConfig } from "../errors.js"
import { layerNoop } from "../metrics/noop.js"
import * as Query from "../query/index.js"
import { DynamoState } from "../state/dynamodb/DynamoState.js"
import type { Store } from "../state/Store.js"
import type { QueryCommand } from "./args.js"
import { loadPipelineModule } from "./pipelineModule.js"
import { runEnvironment } from "./runConfig.js"

/**
 * Prints `{"key": ..., "value": ...}` per key: the all-time value, or the value over `--last` for
 * a windowed pipeline (`WindowRequired` / `NotWindowed` say which one the pipeline needs), as
 * the HTTP API answers it; with `--contains`, `{"key": ..., "element": ..., "contains": ...}`.
 *
 * @example
 * NodeRuntime.runMain(queryKeys({ _tag: "Query", module: "./pipeline.ts", keys: ["/pricing"], last: Duration.hours(1) }))
 */
export const queryKeys = (command: QueryCommand) =>
  Effect.gen(function*() {
    const env = yield* Effect.mapError(runEnvironment, (cause) => new InvalidConfig({ field: "environment", message: cause.message }))
    const { pipeline } = yield* loadPipelineModule(command.module)
    const values: Effect.Effect<ReadonlyArray<Query.EntityValue<unknown>>, Query.ContainsError, Store> = command.last === undefined
      ? Query.values(pipeline, command.keys)
      : Query.windowMany(pipeline, command.keys, command.last)
    const answers = Effect.flatMap(values, (found) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        found.map(({ entity, value }) => JSON.stringify({ key: entity, value: Query.renderAt(pipeline.monoid, value, now) }))))
    const element = command.contains
    const lines = element === undefined
      ? answers
      : Effect.forEach(command.keys, (key) =>
        Effect.map(Query.contains(pipeline, key, element, { last: command.last }), (contains) => JSON.stringify({ key, element, contains })))
    const store = Layer.merge(
      DynamoState.layer({
        ...(env.region === undefined ? {} : { region: env.region }),
        ...(env.dynamodbEndpoint === undefined ? {} : { endpoint: env.dynamodbEndpoint })
      }),
      layerNoop
    )
    for (const line of yield* Effect.provide(lines, store)) yield* Console.log(line)
  })
