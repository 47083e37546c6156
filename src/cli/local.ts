/**
 * `murmur local [module]`: DynamoDB Local and kinesalite on 127.0.0.1 (given or free ports), the
 * module's stream and tables created on them, and the environment printed as `export` lines, so
 * `run`, `produce` and `query` in another shell work with no server started by hand. Serves until
 * interrupted; the servers keep their data in memory, so it goes with them.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { localCredentials, localRegion } from "../local/credentials.js"
import { startDynamoDbLocalOn, localDynamoClient } from "../local/dynamodbLocal.js"
import { javaAvailable } from "../local/java.js"
import { startKinesaliteOn } from "../local/kinesalite.js"
import { createTables } from "../state/dynamodb/tables.js"
import type { LocalCommand } from "./args.js"
import { createStream } from "./demo/produce.js"
import { DemoFailed, serverFailed } from "./errors.js"
import { loadPipelineModule } from "./pipelineModule.js"
import { ensurePortFree } from "./ports.js"
import { defaultCheckpointsTable } from "./runConfig.js"

/** The claims table `local` creates for a pipeline with `delivery: "claims"`. */
export const localClaimsTable = "murmur-claims"

/** Options of `localServers` beyond the command line. */
export interface LocalOptions {
  /** Where lines go. Default `Console.log`. */
  readonly say?: (line: string) => Effect.Effect<void>
}

/**
 * Runs `murmur local` until interrupted. Fails with `PortTaken` before starting anything when a
 * given port is taken, `InvalidConfig` for a bad module, `DemoFailed` when Java or a server is missing.
 *
 * @example
 * NodeRuntime.runMain(localServers({ _tag: "Local", module: "./pipeline.ts", dynamodbPort: 8000, kinesisPort: 4567, shards: 1 }))
 */
export const localServers = (command: LocalCommand, options: LocalOptions = {}) =>
  Effect.scoped(Effect.gen(function*() {
    const say = options.say ?? ((line: string) => Console.log(line))
    yield* ensurePortFree(command.dynamodbPort, "DynamoDB Local", "--dynamodb-port")
    yield* ensurePortFree(command.kinesisPort, "kinesalite", "--kinesis-port")
    const loaded = command.module === undefined ? undefined : yield* loadPipelineModule(command.module)
    if (!(yield* javaAvailable)) {
      return yield* new DemoFailed({ reason: "server", message: "DynamoDB Local needs Java 17+ on the PATH (e.g. apt-get install openjdk-17-jre-headless)" })
    }
    const kinesis = yield* Effect.mapError(startKinesaliteOn(command.kinesisPort), serverFailed)
    const dynamodb = yield* Effect.mapError(startDynamoDbLocalOn(command.dynamodbPort), serverFailed)
    yield* say(`DynamoDB Local on ${dynamodb.endpoint}, kinesalite on ${kinesis.endpoint} (data in memory, gone at Ctrl-C)`)

    const environment: Array<readonly [string, string]> = [
      ["AWS_REGION", localRegion],
      ["AWS_ACCESS_KEY_ID", localCredentials.accessKeyId],
      ["AWS_SECRET_ACCESS_KEY", localCredentials.secretAccessKey],
      ["MURMUR_DYNAMODB_ENDPOINT", dynamodb.endpoint],
      ["MURMUR_KINESIS_ENDPOINT", kinesis.endpoint],
      ["MURMUR_STARTING_POSITION", "TRIM_HORIZON"]
    ]
    if (loaded !== undefined) {
      const stream = loaded.stream ?? process.env["MURMUR_STREAM"] ?? loaded.pipeline.name
      const claims = loaded.pipeline.delivery === "claims" ? localClaimsTable : undefined
      yield* createStream(kinesis.client, stream, command.shards)
      const client = localDynamoClient(dynamodb.endpoint)
      yield* createTables({
        client,
        aggregates: [loaded.pipeline.store],
        checkpointsTable: defaultCheckpointsTable,
        ...(claims === undefined ? {} : { claimsTable: claims })
      }).pipe(
        Effect.ensuring(Effect.sync(() => client.destroy())),
        Effect.mapError((cause) => new DemoFailed({ reason: "server", message: `creating the tables failed: ${cause.message}`, cause }))
      )
      if (loaded.stream === undefined) environment.push(["MURMUR_STREAM", stream])
      if (claims !== undefined) environment.push(["MURMUR_CLAIMS_TABLE", claims])
      yield* say(
        `stream ${stream} (${command.shards} shard${command.shards === 1 ? "" : "s"}); tables ${loaded.pipeline.store}, ` +
          `${defaultCheckpointsTable}${claims === undefined ? "" : `, ${claims}`}`
      )
    }
    yield* say("")
    yield* say("In another shell, export this environment:")
    for (const [name, value] of environment) yield* say(`export ${name}=${value}`)
    yield* say("")
    const module = command.module ?? "./pipeline.ts"
    yield* say("then, for example:")
    yield* say(`  npx murmur run ${module}`)
    yield* say(`  npx murmur produce ${module} events.ndjson      # one JSON event per line`)
    yield* say(`  npx murmur query ${module} <key>`)
    yield* say("Ctrl-C stops the servers.")
    return yield* Effect.never
  }))
