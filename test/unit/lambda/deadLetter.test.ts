import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterEach, describe, expect, it } from "vitest"
import { InvalidConfig, InvalidKey, RetriesExhausted, StoreError } from "../../../src/errors.js"
import { canNeverSucceed, type DeadLetter, type DeadLetterPolicy } from "../../../src/kinesis/deadLetter.js"
import { type KinesisHandler, kinesisHandler, type KinesisHandlerOptions } from "../../../src/kinesis/lambda/index.js"
import { makeMemoryMetrics } from "../../../src/metrics/memory.js"
import { Metrics } from "../../../src/metrics/Metrics.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import * as MemoryState from "../../../src/state/memory/MemoryState.js"
import { captureLogs } from "./logCapture.js"
import { fakeContext, pageViewEvent, reported, sequenceOf } from "./events.js"

const sdkError = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } })
const permanent = (cause?: unknown, message = "rejected") =>
  new StoreError({ operation: "UpdateItem", transient: false, message, ...(cause === undefined ? {} : { cause }) })

describe("canNeverSucceed", () => {
  it.each([
    ["a value DynamoDB rejects (ValidationException)", permanent(sdkError("ValidationException")), true],
    ["a combine that throws (commit died)", permanent(new RangeError("Maximum call stack size exceeded")), true],
    ["a store rejection without an SDK cause", permanent(undefined, "row is not a number"), true],
    ["an invalid key", new InvalidKey({ key: "", message: "empty key" }), true],
    ["another typed validation error", { _tag: "RowTooLarge", message: "past 400 KB" }, true],
    ["a transient store error", new StoreError({ operation: "UpdateItem", transient: true, message: "throttled" }), false],
    ["exhausted retries", new RetriesExhausted({ pipeline: "p", entity: "e", bucket: 0, attempts: 3, cause: permanent() }), false],
    ["a missing table", permanent(sdkError("ResourceNotFoundException")), false],
    ["denied access", permanent(sdkError("AccessDeniedException")), false],
    ["bad credentials", permanent(sdkError("UnrecognizedClientException")), false],
    ["no claims table (reason config)", new StoreError({ operation: "commit", transient: false, reason: "config", message: "no claims table" }), false],
    ["a missing table (reason, no SDK cause)", new StoreError({ operation: "commit", transient: false, reason: "missing-table", message: "gone" }), false],
    ["a configuration error", new InvalidConfig({ field: "delivery", message: "fenced needs a shard" }), false],
    ["something untyped", new Error("boom"), false]
  ])("%s → %s", (_name, error, expected) => {
    expect(canNeverSucceed(error)).toBe(expected)
  })
})

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
const views = pipeline({ name: "views", key: (view: typeof PageView.Type) => view.page, monoid: count, store: "views" })
const pages = ["a", "b", "bad", "c", "d"]

const handlers: Array<KinesisHandler> = []
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.dispose()))
})

/** A handler on a memory store that rejects row "bad" for good, and what it hands to onDeadLetter. */
const setup = (deadLetter: DeadLetterPolicy, options: KinesisHandlerOptions = {}) => {
  const state = MemoryState.make()
  state.store.control.commitFaults.setHook((_call, request) =>
    request.key.entity === "bad" ? { phase: "before", transient: false, message: "value out of range" } : undefined
  )
  const metrics = makeMemoryMetrics()
  const letters: Array<DeadLetter> = []
  const handler = kinesisHandler(views, schemaDecoder(PageView), {
    layer: Layer.merge(state.layer, Layer.succeed(Metrics, metrics.service)),
    deadLetter,
    onDeadLetter: (letter) => void letters.push(letter),
    ...options
  })
  handlers.push(handler)
  const totals = () => Object.fromEntries(state.store.control.rows("views").map((row) => [row.key.entity, row.value]))
  return { handler, metrics, letters, totals }
}

describe("the dead-letter option", () => {
  it("stop (default): the record that can never succeed is reported, and logged as blocking the shard", async () => {
    const { handler, letters } = setup("stop")
    const { result, lines } = await captureLogs(() => handler(pageViewEvent(pages), fakeContext()))
    expect(reported(result)[0]).toBe(sequenceOf(3))
    expect(letters).toEqual([])
    expect(lines.filter((line) => /can never succeed/.test(line.message)).map((line) => line.level)).toEqual(["ERROR"])
  })

  it("skip: hands the poison record to onDeadLetter, counts it, and the shard moves past it", async () => {
    const stop = setup("stop")
    await captureLogs(() => stop.handler(pageViewEvent(pages), fakeContext()))
    const { handler, metrics, letters, totals } = setup("skip")
    const { result, lines } = await captureLogs(() => handler(pageViewEvent(pages), fakeContext()))
    // Records after it were not attempted (in order): reported, so Lambda retries from there, past the poison.
    const failed = reported(result)
    expect(failed).toEqual([sequenceOf(4), sequenceOf(5)])
    expect(letters).toHaveLength(1)
    expect(letters[0]).toMatchObject({
      pipeline: "views",
      shardId: "shardId-000000000000",
      record: { sequence: sequenceOf(3), partitionKey: "pk-3" },
      error: { _tag: "StoreError", message: "value out of range" }
    })
    expect(JSON.parse(Buffer.from(letters[0]!.record.data).toString("utf8"))).toMatchObject({ page: "bad" })
    // One more than the same batch under "stop" (the processor counts failed rows under this name too).
    expect(metrics.counter("views:dead_letter") - stop.metrics.counter("views:dead_letter")).toBe(1)
    expect(lines.filter((line) => /dead letter skipped/.test(line.message)).map((line) => line.level)).toEqual(["WARN"])

    // Lambda's retry from the lowest reported record finishes the shard.
    const retry = { Records: pageViewEvent(pages).Records.slice(3) }
    expect(reported(await captureLogs(() => handler(retry, fakeContext())).then((r) => r.result))).toEqual([])
    expect(totals()).toEqual({ a: 1, b: 1, c: 1, d: 1 })
  })

  it("skip: a record whose onDeadLetter fails is reported instead, never dropped unseen", async () => {
    const { handler, letters } = setup("skip", {
      onDeadLetter: () => Promise.reject(new Error("queue unavailable"))
    })
    const { result, lines } = await captureLogs(() => handler(pageViewEvent(pages), fakeContext()))
    expect(reported(result)[0]).toBe(sequenceOf(3))
    expect(lines.some((line) => /onDeadLetter failed/.test(line.message))).toBe(true)
    expect(lines.some((line) => /dead letter skipped/.test(line.message))).toBe(false)
    expect(letters).toEqual([])
  })

  it("skip: transient failures are never dead letters", async () => {
    const state = MemoryState.make()
    state.store.control.commitFaults.setHook(() => ({ phase: "before" }))
    const letters: Array<DeadLetter> = []
    const handler = kinesisHandler(views, schemaDecoder(PageView), {
      layer: Layer.merge(state.layer, Layer.succeed(Metrics, makeMemoryMetrics().service)),
      retry: { maxAttempts: 2, baseMs: 1, capMs: 2 },
      deadLetter: "skip",
      onDeadLetter: (letter) => void letters.push(letter)
    })
    handlers.push(handler)
    const { result } = await captureLogs(() => handler(pageViewEvent(["a", "b"]), fakeContext()))
    expect(reported(result)).toEqual([sequenceOf(1), sequenceOf(2)])
    expect(letters).toEqual([])
  })

  it("rejects an unknown policy at construction", () => {
    expect(() => kinesisHandler(views, schemaDecoder(PageView), { deadLetter: "drop" as never })).toThrow(/deadLetter/)
    expect(() => kinesisHandler(views, schemaDecoder(PageView), { mappingCheck: "loud" as never })).toThrow(/mappingCheck/)
    expect(() => kinesisHandler(views, schemaDecoder(PageView), { mappingCheckTimeoutMs: 0 })).toThrow(/mappingCheckTimeoutMs/)
  })
})
