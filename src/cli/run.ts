/**
 * `murmur run <module>`: a user's pipeline against AWS (or endpoints from the environment), with
 * the polling consumer or the Lambda handler fed as the event-source mapping feeds it, until
 * interrupted. Progress goes to the console every 10 s.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as SubscriptionRef from "effect/SubscriptionRef"
import { InvalidConfig } from "../errors.js"
import { KinesisApi, KinesisClient } from "../kinesis/stream/KinesisApi.js"
import { makeProgress } from "../kinesis/stream/progress.js"
import { runConsumer } from "../kinesis/consumer/runConsumer.js"
import { makeKinesisHandler } from "../kinesis/lambda/handler.js"
import { layerNoop } from "../metrics/noop.js"
import { DynamoClient } from "../state/dynamodb/DynamoClient.js"
import { DynamoState } from "../state/dynamodb/DynamoState.js"
import { createTables } from "../state/dynamodb/tables.js"
import type { RunCommand } from "./args.js"
import { runLambdaPath } from "./localLambda/lambdaPath.js"
import { loadPipelineModule } from "./pipelineModule.js"
import { driverTotals, formatCount } from "./progress.js"
import { runEnvironment, streamOf } from "./runConfig.js"

const configError = (cause: { readonly message: string }) => new InvalidConfig({ field: "environment", message: cause.message })

/**
 * Runs the command until interrupted. Fails with `InvalidConfig` for a bad module or environment,
 * `StoreError` when `--create-tables` fails, `KinesisError` when the stream cannot be listed.
 *
 * @example
 * NodeRuntime.runMain(runPipeline({ _tag: "Run", module: "./pipeline.ts", driver: "consumer", createTables: false }))
 */
export const runPipeline = (command: RunCommand) =>
  Effect.scoped(Effect.gen(function*() {
    const env = yield* Effect.mapError(runEnvironment, configError)
    const loaded = yield* loadPipelineModule(command.module)
    const stream = yield* streamOf(loaded.stream, env)
    const app = loaded.app ?? env.app ?? loaded.pipeline.name
    const { pipeline, decoder } = loaded

    const state = yield* Layer.build(Layer.merge(
      DynamoState.layer({
        ...(env.region === undefined ? {} : { region: env.region }),
        ...(env.dynamodbEndpoint === undefined ? {} : { endpoint: env.dynamodbEndpoint }),
        ...(env.claimsTable === undefined ? {} : { claimsTable: env.claimsTable }),
        checkpointsTable: env.checkpointsTable
      }),
      layerNoop
    ))
    if (command.createTables) {
      yield* createTables({
        client: Effect.runSync(Effect.provide(DynamoClient, state)),
        aggregates: [pipeline.store],
        checkpointsTable: env.checkpointsTable,
        ...(env.claimsTable === undefined ? {} : { claimsTable: env.claimsTable })
      })
    }
    const services = Layer.succeedContext(state)
    const kinesis = KinesisApi.layer.pipe(Layer.provide(KinesisClient.layer({
      ...(env.region === undefined ? {} : { region: env.region }),
      ...(env.kinesisEndpoint === undefined ? {} : { endpoint: env.kinesisEndpoint })
    })))
    const progress = yield* makeProgress
    yield* Console.log(
      `murmur run: pipeline "${pipeline.name}" → table ${pipeline.store}, stream ${stream}, ` +
        `${command.driver === "consumer" ? `polling consumer (app ${app}, checkpoints in ${env.checkpointsTable})` : "local Lambda path"}, ` +
        `new shards start at ${env.startingPosition}. Ctrl-C stops.`
    )
    yield* SubscriptionRef.get(progress).pipe(
      Effect.flatMap((current) => {
        const totals = driverTotals(current)
        return Console.log(
          `${formatCount(totals.records)} records processed` + (totals.behindMs === undefined ? "" : `, ${formatCount(totals.behindMs)} ms behind`)
        )
      }),
      Effect.delay("10 seconds"),
      Effect.forever,
      Effect.forkScoped
    )
    const onDecodeError = (sequence: string, message: string) => Console.error(`malformed record ${sequence} skipped: ${message}`)

    if (command.driver === "consumer") {
      return yield* runConsumer(pipeline, decoder, {
        app,
        stream,
        startingPosition: env.startingPosition,
        progress,
        onDecodeError: (record, error) => onDecodeError(record.sequence ?? record.eventId, error.message)
      }).pipe(Effect.provide(Layer.merge(services, kinesis)))
    }
    const handler = yield* Effect.acquireRelease(
      makeKinesisHandler(pipeline, decoder, {
        layer: services,
        onDecodeError: (_raw, sequence, _key, error) => Effect.runPromise(onDecodeError(sequence, error.message))
      }),
      (handler) => Effect.promise(() => handler.dispose())
    )
    return yield* runLambdaPath(handler, {
      stream,
      startingPosition: env.startingPosition,
      ...(env.region === undefined ? {} : { region: env.region }),
      progress
    }).pipe(Effect.provide(kinesis))
  }))
