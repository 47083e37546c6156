import { it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as TestClock from "effect/TestClock"
import { describe, expect } from "vitest"
import { type EventSourceMapping, LambdaMappings } from "../../../src/kinesis/lambda/LambdaMappings.js"
import { knownForMs, makeMappingCheck, type MappingCheckMode } from "../../../src/kinesis/lambda/mappingCheck.js"
import { type LambdaReply, mockedLambdaClient } from "./mockLambda.js"

const streamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/views"
const mapping = (parallelizationFactor: number, overrides: Partial<EventSourceMapping> = {}): EventSourceMapping => ({
  eventSourceArn: streamArn,
  parallelizationFactor,
  state: "Enabled",
  ...overrides
})

/** A check over the SDK client mocked at its HTTP handler, and the log lines it writes. */
const setup = (reply: (query: URLSearchParams, call: number) => LambdaReply, mode: MappingCheckMode = "warn") => {
  const { client, requests } = mockedLambdaClient(reply)
  const logs: Array<string> = []
  const layer = Layer.merge(
    LambdaMappings.layer({ client }),
    Logger.replace(Logger.defaultLogger, Logger.make(({ logLevel, message }) => logs.push(`${logLevel.label} ${String(message)}`)))
  )
  const check = makeMappingCheck({ functionName: "views-fn", mode, timeoutMs: 2_000 })
  return { check, layer, logs, requests }
}

describe("the cold-start mapping check (Lambda SDK mocked at its HTTP handler)", () => {
  it.effect("reads ParallelizationFactor 1 for the batch's stream, once per container", () =>
    Effect.gen(function*() {
      const { check, layer, logs, requests } = setup(() => ({ mappings: [mapping(1)] }))
      const first = yield* Effect.provide(check.parallelism(streamArn), layer)
      const second = yield* Effect.provide(check.parallelism(streamArn), layer)
      expect(first).toEqual({ _tag: "Known", readers: 1 })
      expect(second).toEqual(first)
      expect(requests.map(String)).toEqual(["FunctionName=views-fn"])
      expect(logs).toEqual([])
    }))

  it.effect("reads factor 2, counts every enabled mapping of the stream (EFO consumers too), and follows pages", () =>
    Effect.gen(function*() {
      const { check, layer, requests } = setup((_query, call) =>
        call === 1
          ? { mappings: [mapping(2), mapping(1, { eventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/other" })], nextMarker: "page-2" }
          : { mappings: [mapping(3, { state: "Disabled" }), mapping(1, { eventSourceArn: `${streamArn}/consumer/efo:1700000000` })] }
      )
      expect(yield* Effect.provide(check.parallelism(streamArn), layer)).toEqual({ _tag: "Known", readers: 3 })
      expect(requests.map((query) => query.get("Marker"))).toEqual([null, "page-2"])
    }))

  it.effect("on access denied logs one warning that names the permission, and answers Unknown", () =>
    Effect.gen(function*() {
      const { check, layer, logs } = setup(() => ({ error: "AccessDeniedException", status: 403 }))
      const parallelism = yield* Effect.provide(check.parallelism(streamArn), layer)
      expect(parallelism).toMatchObject({ _tag: "Unknown", reason: expect.stringMatching(/^AccessDeniedException/) })
      expect(logs).toHaveLength(1)
      expect(logs[0]).toMatch(/^WARN .*AccessDeniedException.*proceeding as configured.*lambda:ListEventSourceMappings/)
    }))

  it.effect("gives up after its timeout on TestClock, aborting the request, and says so", () =>
    Effect.gen(function*() {
      const { check, layer, logs, requests } = setup(() => "hang", "strict")
      const fiber = yield* Effect.fork(Effect.provide(check.parallelism(streamArn), layer))
      // The SDK's middleware takes a few turns of the event loop to send (more on a loaded
      // machine): let the request reach the handler before time moves, within a bounded wait.
      for (let turn = 0; turn < 500 && requests.length < 1; turn++) yield* Effect.promise(() => new Promise((r) => setImmediate(r)))
      expect(requests).toHaveLength(1)
      yield* TestClock.adjust("1999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const parallelism = yield* Fiber.join(fiber)
      expect(parallelism).toMatchObject({ _tag: "Unknown", reason: expect.stringMatching(/^TimeoutError: no answer within 2000 ms/) })
      expect(requests).toHaveLength(1)
      expect(logs).toHaveLength(1)
      expect(logs[0]).toMatch(/^WARN .*TimeoutError.*"strict".*refused/)
    }))

  it.effect("serves a stale answer while a background look-up refreshes it", () =>
    Effect.gen(function*() {
      let factor = 1
      const { check, layer, requests } = setup(() => ({ mappings: [mapping(factor)] }))
      expect(yield* Effect.provide(check.parallelism(streamArn), layer)).toEqual({ _tag: "Known", readers: 1 })
      factor = 2
      yield* TestClock.adjust(knownForMs - 1)
      expect(yield* Effect.provide(check.parallelism(streamArn), layer)).toEqual({ _tag: "Known", readers: 1 })
      expect(requests).toHaveLength(1)
      yield* TestClock.adjust(1)
      // Stale: answered from memory at once, refreshed behind it.
      expect(yield* Effect.provide(check.parallelism(streamArn), layer)).toEqual({ _tag: "Known", readers: 1 })
      // The refresh runs behind the answer (its first run loads the Lambda SDK lazily, slow on a
      // loaded machine): poll the real event loop until the fresh answer shows, bounded generously.
      let fresh = yield* Effect.provide(check.parallelism(streamArn), layer)
      for (let poll = 0; poll < 6_000 && !(fresh._tag === "Known" && fresh.readers === 2); poll++) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
        fresh = yield* Effect.provide(check.parallelism(streamArn), layer)
      }
      expect(requests).toHaveLength(2)
      expect(fresh).toEqual({ _tag: "Known", readers: 2 })
    }))

  it.effect("answers Unknown when no mapping reads the batch's stream, and Unchecked outside Lambda or when off", () =>
    Effect.gen(function*() {
      const { check, layer } = setup(() => ({ mappings: [mapping(1, { eventSourceArn: "arn:aws:kinesis:us-east-1:1:stream/x" })] }))
      expect(yield* Effect.provide(check.parallelism(streamArn), layer)).toMatchObject({ _tag: "Unknown" })
      expect(yield* Effect.provide(check.parallelism(undefined), layer)).toMatchObject({ _tag: "Unknown" })
      const outside = makeMappingCheck({ functionName: undefined, mode: "warn", timeoutMs: 2_000 })
      const off = makeMappingCheck({ functionName: "views-fn", mode: "off", timeoutMs: 2_000 })
      expect(yield* outside.parallelism(streamArn)).toEqual({ _tag: "Unchecked" })
      expect(yield* off.parallelism(streamArn)).toEqual({ _tag: "Unchecked" })
    }))
})
