/**
 * `murmur run` against local servers standing in for AWS: kinesalite for Kinesis, DynamoDB Local
 * for DynamoDB, both named by the environment variables the command reads.
 */
import { CreateStreamCommand, PutRecordsCommand, waitUntilStreamExists } from "@aws-sdk/client-kinesis"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { type RunCommand } from "../../../src/cli/args.js"
import { loadPipelineModule } from "../../../src/cli/pipelineModule.js"
import { retryWhileProgressing } from "./progressDeadline.js"
import { runPipeline } from "../../../src/cli/run.js"
import { layerNoop, Query } from "../../../src/index.js"
import { DynamoState } from "../../../src/state/dynamodb/index.js"
import { type LocalKinesis, localKinesisClient, type Started, startKinesalite, startScoped } from "../../../src/local/index.js"

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url))
const pages = ["/", "/pricing", "/docs"]
const perPage = [120, 50, 30]

let kinesis: Started<LocalKinesis>
const savedCredentials = { id: process.env["AWS_ACCESS_KEY_ID"], secret: process.env["AWS_SECRET_ACCESS_KEY"] }

beforeAll(async () => {
  kinesis = await startScoped(startKinesalite)
  // `run` uses the default credential chain, as against AWS; the local servers accept any.
  process.env["AWS_ACCESS_KEY_ID"] = "local"
  process.env["AWS_SECRET_ACCESS_KEY"] = "local"
})

afterAll(async () => {
  await kinesis?.close()
  for (const [name, value] of [["AWS_ACCESS_KEY_ID", savedCredentials.id], ["AWS_SECRET_ACCESS_KEY", savedCredentials.secret]] as const) {
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

/** Creates a 2-shard stream holding the clicks and one malformed record. */
const fillStream = async (stream: string) => {
  const client = localKinesisClient(kinesis.endpoint)
  try {
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }))
    await waitUntilStreamExists({ client, maxWaitTime: 30 }, { StreamName: stream })
    const records = pages.flatMap((page, p) =>
      Array.from({ length: perPage[p]! }, (_, i) => ({ PartitionKey: `user-${i}`, Data: new TextEncoder().encode(JSON.stringify({ page })) }))
    )
    records.splice(37, 0, { PartitionKey: "bad", Data: new TextEncoder().encode("{not json") })
    await client.send(new PutRecordsCommand({ StreamName: stream, Records: records }))
  } finally {
    client.destroy()
  }
}

/** Runs the command until the table holds `perPage`, or fails after the deadline; then interrupts it. */
const runUntilCounted = async (command: RunCommand, env: Record<string, string>) => {
  const endpoint = inject("dynamodbEndpoint")
  const provider = ConfigProvider.fromMap(new Map(Object.entries({
    MURMUR_REGION: "us-east-1",
    MURMUR_DYNAMODB_ENDPOINT: endpoint,
    MURMUR_KINESIS_ENDPOINT: kinesis.endpoint,
    MURMUR_STARTING_POSITION: "TRIM_HORIZON",
    ...env
  })))
  const loaded = await Effect.runPromise(loadPipelineModule(command.module))
  const store = Layer.merge(DynamoState.layer({ region: "us-east-1", endpoint }), layerNoop)
  const counted = Query.values(loaded.pipeline, pages).pipe(
    Effect.map((values) => values.map(({ value }) => value)),
    Effect.filterOrFail((values) => values.every((v, i) => v === perPage[i]), (values) => `counted ${values.join(", ")} so far`),
    retryWhileProgressing,
    Effect.provide(store)
  )
  const program = Effect.gen(function*() {
    const running = yield* Effect.fork(runPipeline(command))
    const values = yield* Effect.either(counted)
    const early = running.unsafePoll()
    yield* Fiber.interrupt(running)
    return { values, early }
  }).pipe(Effect.withConfigProvider(provider))
  const { values, early } = await Effect.runPromise(program)
  expect(early, "run stopped on its own").toBeNull()
  expect(Either.getOrThrow(values)).toEqual(perPage)
  // Nothing more arrives after the totals were reached: read again once the command has stopped.
  expect(await Effect.runPromise(Effect.provide(Query.values(loaded.pipeline, pages), store))).toEqual(
    pages.map((page, i) => ({ entity: page, value: perPage[i] }))
  )
}

describe("murmur run", () => {
  it("runs a module's pipeline with the polling consumer (stream from the module, tables created)", async () => {
    await fillStream("murmur-cli-run-consumer")
    await runUntilCounted(
      { _tag: "Run", module: fixture("clicksConsumer.ts"), driver: "consumer", createTables: true },
      { MURMUR_CHECKPOINTS_TABLE: "murmur-cli-run-checkpoints" }
    )
  }, 600_000)

  it("runs a module's pipeline through the local Lambda path (stream from MURMUR_STREAM)", async () => {
    await fillStream("murmur-cli-run-lambda")
    await runUntilCounted(
      { _tag: "Run", module: fixture("clicksLambda.ts"), driver: "lambda-local", createTables: true },
      { MURMUR_STREAM: "murmur-cli-run-lambda", MURMUR_CHECKPOINTS_TABLE: "murmur-cli-run-checkpoints" }
    )
  }, 600_000)

  it("says what is missing when the module exports no pipeline or no stream is named", async () => {
    const noPipeline = await Effect.runPromise(Effect.either(loadPipelineModule(fixture("clicks.ts"))))
    expect(Either.getLeft(noPipeline).pipe((error) => error._tag === "Some" ? error.value.field : undefined)).toBe("pipeline")
    const noStream = await Effect.runPromise(
      Effect.either(runPipeline({ _tag: "Run", module: fixture("clicksLambda.ts"), driver: "consumer", createTables: false })).pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))
      )
    )
    expect(Either.isLeft(noStream) && noStream.left._tag === "InvalidConfig" && noStream.left.field).toBe("stream")
  })
})
