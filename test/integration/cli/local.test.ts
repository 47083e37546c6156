/**
 * `murmur local` then `produce`, `run` and `query` with the environment it prints, as a user
 * would in two shells: no server started by hand.
 */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest"
import { localServers } from "../../../src/cli/local.js"
import { loadPipelineModule } from "../../../src/cli/pipelineModule.js"
import { produceLines } from "../../../src/cli/produceLines.js"
import { queryKeys } from "../../../src/cli/query.js"
import { runPipeline } from "../../../src/cli/run.js"
import { layerNoop, Query } from "../../../src/index.js"
import { DynamoState } from "../../../src/state/dynamodb/index.js"
import { retryWhileProgressing } from "./progressDeadline.js"

const module = fileURLToPath(new URL("./fixtures/clicksLocal.ts", import.meta.url))
const saved = { ...process.env }

beforeAll(() => {
  // What a user does with the printed lines; restored after.
  process.env["AWS_ACCESS_KEY_ID"] = "local"
  process.env["AWS_SECRET_ACCESS_KEY"] = "local"
})
afterAll(() => {
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
})

describe("murmur local", () => {
  it("starts the servers, creates the module's stream and tables, and prints an environment run, produce and query work with", async () => {
    const lines: Array<string> = []
    const local = Effect.runFork(localServers(
      { _tag: "Local", module, dynamodbPort: 0, kinesisPort: 0, shards: 2 },
      { say: (line) => Effect.sync(() => void lines.push(line)) }
    ))
    try {
      await Effect.runPromise(retryWhileProgressing(Effect.suspend(() =>
        lines.includes("Ctrl-C stops the servers.")
          ? Effect.void
          : local.unsafePoll() !== null
          ? Effect.die(local.unsafePoll())
          : Effect.fail(`${lines.length} lines so far`)
      ), 150_000)) // DynamoDB Local's JVM may take its whole 60 s start deadline on a loaded machine
      const environment = new Map(lines.flatMap((line) => {
        const match = /^export ([A-Z_]+)=(\S+)$/.exec(line)
        return match === null ? [] : [[match[1]!, match[2]!] as const]
      }))
      expect([...environment.keys()]).toEqual([
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "MURMUR_DYNAMODB_ENDPOINT",
        "MURMUR_KINESIS_ENDPOINT",
        "MURMUR_STARTING_POSITION",
        "MURMUR_STREAM"
      ])
      expect(environment.get("MURMUR_STREAM")).toBe("clicks")
      expect(lines).toContain("stream clicks (2 shards); tables murmur-local-clicks, murmur-checkpoints")
      const withEnvironment = Effect.withConfigProvider(ConfigProvider.fromMap(environment))

      const events = join(mkdtempSync(join(tmpdir(), "murmur-local-")), "events.ndjson")
      writeFileSync(events, ['{"page":"/"}', '{"page":"/docs"}', "{not json", '{"page":"/"}', ""].join("\n"))
      await Effect.runPromise(produceLines({ _tag: "Produce", module, file: events }).pipe(withEnvironment))

      const running = Effect.runFork(runPipeline({ _tag: "Run", module, driver: "consumer", createTables: false }).pipe(withEnvironment))
      const store = Layer.merge(DynamoState.layer({ region: "us-east-1", endpoint: environment.get("MURMUR_DYNAMODB_ENDPOINT")! }), layerNoop)
      const { pipeline } = await Effect.runPromise(loadPipelineModule(module))
      await Effect.runPromise(retryWhileProgressing(Query.values(pipeline, ["/", "/docs"]).pipe(
        Effect.filterOrFail((values) => values[0]!.value === 2 && values[1]!.value === 1, (values) => JSON.stringify(values)),
        Effect.provide(store)
      )))
      await Effect.runPromise(Fiber.interrupt(running))

      const log = vi.spyOn(console, "log").mockImplementation(() => undefined)
      try {
        await Effect.runPromise(queryKeys({ _tag: "Query", module, keys: ["/", "/docs"], last: undefined }).pipe(withEnvironment))
        expect(log.mock.calls.map(([line]) => line)).toEqual(['{"key":"/","value":2}', '{"key":"/docs","value":1}'])
      } finally {
        log.mockRestore()
      }
    } finally {
      await Effect.runPromise(Fiber.interrupt(local))
    }
  }, 600_000)
})
