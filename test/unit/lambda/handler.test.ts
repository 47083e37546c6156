import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterEach, describe, expect, it } from "vitest"
import type { DecodeError } from "../../../src/errors.js"
import { type KinesisHandler, kinesisHandler, makeKinesisHandler } from "../../../src/kinesis/lambda/index.js"
import { makeMemoryMetrics } from "../../../src/metrics/memory.js"
import { Metrics } from "../../../src/metrics/Metrics.js"
import { layerNoop, noopMetrics } from "../../../src/metrics/noop.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { textDecoder } from "../../../src/processor/decoders.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import * as MemoryState from "../../../src/state/memory/MemoryState.js"
import { Store } from "../../../src/state/Store.js"
import { minute } from "../../../src/window/Window.js"
import { fakeContext, pageViewEvent, recordOf, reported, sequenceOf } from "./events.js"
import { fixedClock } from "../../support/fixedClock.js"
import { awsDocsSampleEvent } from "./sampleEvent.js"

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
const views = pipeline({ name: "views", key: (view: typeof PageView.Type) => view.page, monoid: count, store: "views" })
const decoder = schemaDecoder(PageView)
const quick = { baseMs: 1, capMs: 2 }

/** Total count per page in the memory store's all-time rows. */
const totals = (state: MemoryState.MemoryState, table = "views"): Record<string, number> =>
  Object.fromEntries(state.store.control.rows(table).map((row) => [row.key.entity, row.value as number]))

const handlers: Array<KinesisHandler> = []
const track = (handler: KinesisHandler) => (handlers.push(handler), handler)
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.dispose()))
})

const memoryHandler = (state = MemoryState.make(), options: Parameters<typeof kinesisHandler>[2] = {}) =>
  track(kinesisHandler(views, decoder, { layer: Layer.merge(state.layer, layerNoop), ...options, retry: { ...quick, ...options.retry } }))

describe("kinesisHandler", () => {
  it("processes the AWS docs sample event, placing each record by its arrival time", async () => {
    const state = MemoryState.make()
    const byText = pipeline({ name: "texts", key: (text: string) => text, monoid: count, window: minute(), store: "texts" })
    const handler = track(kinesisHandler(byText, textDecoder, { layer: Layer.merge(state.layer, layerNoop) }))
    const response = await handler(awsDocsSampleEvent, fakeContext())
    expect(response).toEqual({ batchItemFailures: [] })
    const rows = state.store.control.rows("texts").map((row) => [row.key.entity, row.key.bucket, row.value])
    expect(rows).toEqual(
      expect.arrayContaining([
        ["Hello, this is a test.", Math.floor(1545084650987 / 60_000), 1],
        ["This is only a test.", Math.floor(1545084711166 / 60_000), 1]
      ])
    )
    expect(rows).toHaveLength(2)
  })

  it("answers an empty event with success, without building the runtime", async () => {
    let builds = 0
    const layer = Layer.merge(MemoryState.layer, Layer.effect(Metrics, Effect.sync(() => (builds++, noopMetrics))))
    const handler = track(kinesisHandler(views, decoder, { layer }))
    expect(await handler({ Records: [] }, fakeContext())).toEqual({ batchItemFailures: [] })
    expect(builds).toBe(0)
  })

  it("builds the layer once per container and reuses it across invocations", async () => {
    let builds = 0
    const state = MemoryState.make()
    const layer = Layer.merge(state.layer, Layer.effect(Metrics, Effect.sync(() => (builds++, noopMetrics))))
    const handler = track(kinesisHandler(views, decoder, { layer }))
    for (let invocation = 0; invocation < 3; invocation++) {
      const response = await handler(pageViewEvent(["home", "about"], invocation * 2 + 1), fakeContext())
      expect(response.batchItemFailures).toEqual([])
    }
    expect(builds).toBe(1)
    expect(totals(state)).toEqual({ home: 3, about: 3 })
  })

  it("reports the whole batch when the layer cannot be built, and builds again next time", async () => {
    let attempts = 0
    const state = MemoryState.make()
    const flaky = Layer.effect(
      Metrics,
      Effect.suspend(() => (++attempts === 1 ? Effect.fail("store unreachable") : Effect.succeed(noopMetrics)))
    )
    const handler = track(kinesisHandler(views, decoder, { layer: Layer.merge(state.layer, flaky) }))
    const event = pageViewEvent(["a", "b", "c"])
    expect(reported(await handler(event, fakeContext()))).toEqual([sequenceOf(1), sequenceOf(2), sequenceOf(3)])
    expect(reported(await handler(event, fakeContext()))).toEqual([])
    expect(attempts).toBe(2)
    expect(totals(state)).toEqual({ a: 1, b: 1, c: 1 })
  })

  it("reports every record when processing dies unexpectedly", async () => {
    const state = MemoryState.make()
    const dying = Layer.succeed(Store, { ...state.store.service, commit: () => Effect.die(new Error("bug")) })
    const handler = track(kinesisHandler(views, decoder, { layer: Layer.mergeAll(state.layer, dying, layerNoop) }))
    expect(reported(await handler(pageViewEvent(["a", "b"]), fakeContext()))).toEqual([sequenceOf(1), sequenceOf(2)])

    // A metrics service that dies is a defect outside any commit.
    const dyingMetrics = Layer.succeed(Metrics, { ...noopMetrics, increment: () => Effect.die(new Error("metrics bug")) })
    const broken = track(kinesisHandler(views, decoder, { layer: Layer.merge(state.layer, dyingMetrics) }))
    expect(reported(await broken(pageViewEvent(["a", "b"]), fakeContext()))).toEqual([sequenceOf(1), sequenceOf(2)])
    // The commits had landed before the defect; the retry Lambda makes applies nothing twice.
    const healthy = memoryHandler(state)
    expect(reported(await healthy(pageViewEvent(["a", "b"]), fakeContext()))).toEqual([])
    expect(totals(state)).toEqual({ a: 1, b: 1 })
  })

  it("reports from the first failed record in order; redelivery from there ends with exact totals", async () => {
    const state = MemoryState.make()
    const handler = memoryHandler(state)
    const pages = ["a", "b", "c", "bad", "d", "a", "e"]
    state.store.control.commitFaults.setHook((_call, request) =>
      request.key.entity === "bad" ? { phase: "before", transient: false } : undefined
    )
    const failed = reported(await handler(pageViewEvent(pages), fakeContext()))
    // Records before the bad one are not reported; the bad one is the lowest reported.
    expect(failed[0]).toBe(sequenceOf(4))
    expect(failed.every((sequence) => sequence >= sequenceOf(4))).toBe(true)

    // Lambda retries every record from the lowest reported sequence number.
    state.store.control.commitFaults.clear()
    const retry = { Records: pageViewEvent(pages).Records.slice(3) }
    expect(reported(await handler(retry, fakeContext()))).toEqual([])
    expect(totals(state)).toEqual({ a: 2, b: 1, c: 1, bad: 1, d: 1, e: 1 })

    // A full redelivery of an already applied batch changes nothing.
    expect(reported(await handler(pageViewEvent(pages), fakeContext()))).toEqual([])
    expect(totals(state)).toEqual({ a: 2, b: 1, c: 1, bad: 1, d: 1, e: 1 })
  })

  it("recovers from transient store faults within its attempts", async () => {
    const state = MemoryState.make()
    const handler = memoryHandler(state, { retry: { maxAttempts: 3 } })
    state.store.control.commitFaults.failCall(1, { phase: "before" })
    state.store.control.commitFaults.failCall(2, { phase: "after" })
    expect(reported(await handler(pageViewEvent(["x", "x", "y"]), fakeContext()))).toEqual([])
    expect(totals(state)).toEqual({ x: 2, y: 1 })
  })

  it("reports every record when the store is unreachable for all of them, rather than throw", async () => {
    const state = MemoryState.make()
    const handler = memoryHandler(state, { retry: { maxAttempts: 2 } })
    state.store.control.commitFaults.setHook(() => ({ phase: "before" }))
    const event = pageViewEvent(["a", "b", "c"])
    expect(reported(await handler(event, fakeContext()))).toEqual(event.Records.map((r) => r.kinesis.sequenceNumber))
    expect(totals(state)).toEqual({})
  })

  it("passes decode errors to the callback and the metric, and does not report them by default", async () => {
    const state = MemoryState.make()
    const metrics = makeMemoryMetrics()
    const seen: Array<[string, string, string, DecodeError]> = []
    const options = {
      layer: Layer.merge(state.layer, Layer.succeed(Metrics, metrics.service)),
      onDecodeError: (raw: Uint8Array, sequence: string, partitionKey: string, error: DecodeError) => {
        seen.push([Buffer.from(raw).toString("utf8"), sequence, partitionKey, error])
      }
    }
    const event = {
      Records: [
        recordOf(1, JSON.stringify({ page: "home", user: "u" })),
        recordOf(2, "{not json"),
        recordOf(3, "%%% not base64 %%%", { base64: false }),
        recordOf(4, JSON.stringify({ page: 42 })),
        recordOf(5, JSON.stringify({ page: "home", user: "v" }))
      ]
    }
    const handler = track(kinesisHandler(views, decoder, options))
    expect(reported(await handler(event, fakeContext()))).toEqual([])
    expect(totals(state)).toEqual({ home: 2 })
    expect(seen.map(([raw, sequence, partitionKey, error]) => [raw, sequence, partitionKey, error.reason])).toEqual([
      ["{not json", sequenceOf(2), "pk-2", "json"],
      ["%%% not base64 %%%", sequenceOf(3), "pk-3", "base64"],
      [JSON.stringify({ page: 42 }), sequenceOf(4), "pk-4", "schema"]
    ])
    expect(seen[1]![3].message).toMatch(/base64/)
    expect(metrics.counter("views:decode_error")).toBe(3)

    const reporting = track(kinesisHandler(views, decoder, { ...options, reportDecodeErrors: true }))
    expect(reported(await reporting(event, fakeContext()))).toEqual([sequenceOf(2), sequenceOf(3), sequenceOf(4)])
  })

  it("survives a throwing or rejecting decode-error callback", async () => {
    const state = MemoryState.make()
    const event = { Records: [recordOf(1, "oops"), recordOf(2, JSON.stringify({ page: "p", user: "u" }))] }
    for (const onDecodeError of [
      () => {
        throw new Error("callback bug")
      },
      () => Promise.reject(new Error("callback bug"))
    ]) {
      const handler = memoryHandler(state, { onDecodeError })
      expect(reported(await handler(event, fakeContext()))).toEqual([])
    }
    expect(totals(state)).toEqual({ p: 1 })
  })

  it("starts nothing once the remaining time is below the margin, and reports every record", async () => {
    const state = MemoryState.make()
    const handler = memoryHandler(state)
    const event = pageViewEvent(["a", "b", "c"])
    expect(reported(await handler(event, fakeContext(() => 900)))).toEqual(event.Records.map((r) => r.kinesis.sequenceNumber))
    expect(totals(state)).toEqual({})
  })

  it("stops at the deadline mid-batch, reports the rest, and their retry completes the totals", async () => {
    const state = MemoryState.make()
    const handler = memoryHandler(state, { concurrency: 1, deadlineMarginMs: 5_000 })
    const pages = Array.from({ length: 10 }, (_, i) => `page-${i}`)
    let calls = 0
    const context = fakeContext(() => (++calls <= 6 ? 60_000 : 4_000))
    const failed = reported(await handler(pageViewEvent(pages), context))
    expect(failed.length).toBeGreaterThan(0)
    expect(failed.length).toBeLessThan(pages.length)
    const applied = Object.values(totals(state)).reduce((a, b) => a + b, 0)
    expect(applied + failed.length).toBe(pages.length)

    const retry = { Records: pageViewEvent(pages).Records.filter((r) => r.kinesis.sequenceNumber >= failed[0]!) }
    expect(reported(await handler(retry, fakeContext()))).toEqual([])
    expect(totals(state)).toEqual(Object.fromEntries(pages.map((page) => [page, 1])))
  })

  it("gives up on a commit that outlasts the margin and reports the batch before Lambda's timeout", async () => {
    const state = MemoryState.make()
    const hanging = Layer.succeed(Store, { ...state.store.service, commit: () => Effect.never })
    const handler = track(
      kinesisHandler(views, decoder, { layer: Layer.mergeAll(state.layer, hanging, layerNoop), deadlineMarginMs: 800 })
    )
    const started = Date.now()
    const remaining = () => 1_000 - (Date.now() - started)
    expect(reported(await handler(pageViewEvent(["a", "b"]), fakeContext(remaining)))).toEqual([sequenceOf(1), sequenceOf(2)])
    // Answered with about half the margin left, not at the invocation's end.
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it("uses the clock option only for records without an arrival time", async () => {
    const state = MemoryState.make()
    const fixedMs = 1_600_000_000_000
    const fixed = fixedClock(fixedMs)
    const byMinute = pipeline({ name: "m", key: (v: typeof PageView.Type) => v.page, monoid: count, window: minute(), store: "m" })
    const handler = track(kinesisHandler(byMinute, decoder, { layer: Layer.merge(state.layer, layerNoop), clock: fixed }))
    const event = {
      Records: [
        recordOf(1, JSON.stringify({ page: "no-arrival", user: "u" }), { arrivalSeconds: 0 }),
        recordOf(2, JSON.stringify({ page: "arrived", user: "u" }), { arrivalSeconds: 1_700_000_000.5 })
      ]
    }
    expect(reported(await handler(event, fakeContext()))).toEqual([])
    const buckets = Object.fromEntries(state.store.control.rows("m").map((row) => [row.key.entity, row.key.bucket]))
    expect(buckets).toEqual({ "no-arrival": Math.floor(fixedMs / 60_000), arrived: Math.floor(1_700_000_000_500 / 60_000) })
  })

  it("processes a 10,000-record batch exactly", async () => {
    const state = MemoryState.make()
    const handler = memoryHandler(state)
    const pages = Array.from({ length: 10_000 }, (_, i) => `page-${i % 100}`)
    expect(reported(await handler(pageViewEvent(pages), fakeContext()))).toEqual([])
    const result = totals(state)
    expect(Object.keys(result)).toHaveLength(100)
    expect(Object.values(result).every((n) => n === 100)).toBe(true)
  })

  it("rejects invalid options at construction with InvalidConfig", () => {
    expect(() => kinesisHandler(views, decoder, { retry: { maxAttempts: 0 } })).toThrow(/maxAttempts/)
    const result = makeKinesisHandler(views, decoder, { deadlineMarginMs: -1 })
    expect(Either.isLeft(result) && result.left._tag).toBe("InvalidConfig")
    const noDecoder = makeKinesisHandler(views, undefined as unknown as typeof decoder)
    expect(Either.isLeft(noDecoder) && noDecoder.left.field).toBe("decoder")
  })
})
