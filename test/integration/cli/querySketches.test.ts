/**
 * `murmur query` on sketch pipelines in DynamoDB Local: an HLL prints its estimate, a Bloom
 * pipeline answers `--contains`, and asking a non-Bloom pipeline for membership names the fix.
 */
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest"
import { parseArgs } from "../../../src/cli/args.js"
import { queryKeys } from "../../../src/cli/query.js"
import { loadPipelineModule } from "../../../src/cli/pipelineModule.js"
import { layerNoop } from "../../../src/metrics/index.js"
import { processBatch } from "../../../src/processor/processBatch.js"
import { DynamoState } from "../../../src/state/dynamodb/index.js"
import { createLocalTables, localClient } from "../dynamodb/local.js"

const uniquesModule = fileURLToPath(new URL("./fixtures/sketchUniques.ts", import.meta.url))
const membersModule = fileURLToPath(new URL("./fixtures/sketchMembers.ts", import.meta.url))
const client = localClient()
const saved = { ...process.env }
const withEnvironment = Effect.withConfigProvider(
  ConfigProvider.fromMap(new Map([["AWS_REGION", "us-east-1"], ["MURMUR_DYNAMODB_ENDPOINT", inject("dynamodbEndpoint")]]))
)

const visits = [
  { page: "/", user: "ann" },
  { page: "/", user: "bob" },
  { page: "/", user: "ann" },
  { page: "/docs", user: "cy" }
]

beforeAll(async () => {
  process.env["AWS_ACCESS_KEY_ID"] = "local"
  process.env["AWS_SECRET_ACCESS_KEY"] = "local"
  await createLocalTables(client, { aggregates: ["murmur-cli-sketches"] })
  const encoder = new TextEncoder()
  const records = visits.map((visit, i) => ({
    eventId: `cli/${i}`,
    eventTimeMs: Date.now(),
    data: encoder.encode(JSON.stringify(visit)),
    sequence: String(100 + i)
  }))
  const layer = Layer.merge(DynamoState.layer({ client }), layerNoop)
  for (const module of [uniquesModule, membersModule]) {
    const { decoder, pipeline } = await Effect.runPromise(loadPipelineModule(module))
    const result = await Effect.runPromise(processBatch(pipeline, decoder, records, { shardId: "shardId-0" }).pipe(Effect.provide(layer)))
    expect(result.outcomes.every((o) => o._tag === "Succeeded")).toBe(true)
  }
})

afterAll(() => {
  client.destroy()
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) {
    if (saved[name] === undefined) delete process.env[name]
    else process.env[name] = saved[name]
  }
})

const printed = async (effect: Effect.Effect<void, unknown>) => {
  const log = vi.spyOn(console, "log").mockImplementation(() => undefined)
  try {
    const result = await Effect.runPromise(Effect.either(effect.pipe(withEnvironment)))
    return { lines: log.mock.calls.map(([line]) => line), error: Either.isLeft(result) ? result.left : undefined }
  } finally {
    log.mockRestore()
  }
}

describe("murmur query on sketches", () => {
  it("parses --contains ELEMENT (and --contains=ELEMENT); a bare --contains is refused", () => {
    expect(Either.getOrThrow(parseArgs(["query", "m.ts", "k1", "k2", "--contains", "ann"]))).toMatchObject({
      _tag: "Query",
      keys: ["k1", "k2"],
      contains: "ann"
    })
    expect(Either.getOrThrow(parseArgs(["query", "m.ts", "k", "--contains=bob"]))).toMatchObject({ contains: "bob" })
    expect(Either.isLeft(parseArgs(["query", "m.ts", "k", "--contains"]))).toBe(true)
  })

  it("prints an HLL as its estimate", async () => {
    const { error, lines } = await printed(queryKeys({ _tag: "Query", module: uniquesModule, keys: ["/", "/docs", "/none"], last: undefined }))
    expect(error).toBeUndefined()
    expect(lines).toEqual([
      '{"key":"/","value":{"estimate":2}}',
      '{"key":"/docs","value":{"estimate":1}}',
      '{"key":"/none","value":{"estimate":0}}'
    ])
  })

  it("answers --contains for a Bloom pipeline, and fails with NotBloom for another", async () => {
    const { error, lines } = await printed(
      queryKeys({ _tag: "Query", module: membersModule, keys: ["members:/", "members:/docs"], last: undefined, contains: "ann" })
    )
    expect(error).toBeUndefined()
    expect(lines).toEqual(['{"key":"members:/","element":"ann","contains":true}', '{"key":"members:/docs","element":"ann","contains":false}'])
    const wrong = await printed(queryKeys({ _tag: "Query", module: uniquesModule, keys: ["/"], last: undefined, contains: "ann" }))
    expect(wrong.error).toMatchObject({ _tag: "NotBloom", pipeline: "uniques" })
  })
})
