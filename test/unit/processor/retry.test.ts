import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import { StoreError } from "../../../src/errors.js"
import { makeMemoryMetrics, Metrics } from "../../../src/metrics/index.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { jsonDecoder, processBatch } from "../../../src/processor/index.js"
import { backoffCeilingMs } from "../../../src/retry/index.js"
import type { Decoder, RecordOutcome } from "../../../src/processor/types.js"
import { Store, type StoreService } from "../../../src/state/Store.js"
import { recordsOf, type View, views } from "./support.js"

const p = pipeline<View, number>({ name: "views", store: "aggregates", key: (e) => e.page, monoid: count })
const decoder = jsonDecoder() as Decoder<View>

/** A store whose commits fail `failures` times with `error`, recording the Clock time of each attempt. */
const flakyStore = (failures: number, error: StoreError) => {
  const attempts: Array<number> = []
  const service: StoreService = {
    get: () => Effect.succeed(Option.none()),
    getMany: (_table, _monoid, keys) => Effect.succeed(keys.map(() => Option.none())),
    getRange: () => Effect.succeed([]),
    commit: (request) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        attempts.push(now)
        return attempts.length <= failures
          ? Effect.fail(error)
          : Effect.succeed({ applied: request.contributions[0]!.value, alreadyApplied: [] })
      })
  }
  return { attempts, service }
}

const transient = new StoreError({ operation: "commit", transient: true, message: "throttled" })
const permanent = new StoreError({ operation: "commit", transient: false, message: "no such table" })

const setup = (failures: number, error: StoreError) => {
  const store = flakyStore(failures, error)
  const metrics = makeMemoryMetrics()
  const layer = Layer.merge(Layer.succeed(Store, store.service), Layer.succeed(Metrics, metrics.service))
  return { store, metrics, layer }
}

const policy = { maxAttempts: 5, baseMs: 100, capMs: 300 }

describe("retry of transient store errors", () => {
  it.effect("waits full-jitter delays drawn from the seeded Random, within [0, min(cap, base*2^n)]", () =>
    Effect.gen(function*() {
      const { layer, metrics, store } = setup(10, transient)
      const fiber = yield* processBatch(p, decoder, recordsOf(views(1)), { retry: policy }).pipe(
        Effect.provide(layer),
        Effect.withRandom(Random.make("seed-1")),
        Effect.fork
      )
      yield* TestClock.adjust("1 hour")
      const result = yield* Fiber.join(fiber)
      const outcome = result.outcomes[0] as Extract<RecordOutcome, { _tag: "Failed" }>
      expect(outcome.error).toMatchObject({ _tag: "RetriesExhausted", attempts: 5, entity: "p0", bucket: 0 })
      expect(store.attempts).toHaveLength(5)
      const delays = store.attempts.slice(1).map((t, i) => t - store.attempts[i]!)
      // The same seed drawn again gives the delays the processor waited.
      const replay = Random.make("seed-1")
      const expected: Array<number> = []
      for (let n = 0; n < 4; n++) {
        const unit = yield* replay.next
        expected.push(Math.floor(unit * backoffCeilingMs(policy, n)))
      }
      expect(delays).toEqual(expected)
      delays.forEach((delay, n) => {
        expect(delay).toBeGreaterThanOrEqual(0)
        expect(delay).toBeLessThanOrEqual(Math.min(300, 100 * 2 ** n))
      })
      expect(metrics.counter("views:retry")).toBe(4)
      expect(metrics.counter("views:row_failed")).toBe(1)
    }))

  it.effect("differs with another seed (the delays really are drawn)", () =>
    Effect.gen(function*() {
      const runWith = (seed: string) =>
        Effect.gen(function*() {
          const { layer, store } = setup(10, transient)
          const fiber = yield* processBatch(p, decoder, recordsOf(views(1)), { retry: policy }).pipe(
            Effect.provide(layer),
            Effect.withRandom(Random.make(seed)),
            Effect.fork
          )
          yield* TestClock.adjust("1 hour")
          yield* Fiber.join(fiber)
          return store.attempts.map((t) => t - store.attempts[0]!)
        })
      expect(yield* runWith("a")).not.toEqual(yield* runWith("b"))
    }))

  it.effect("succeeds after transient failures and counts each retry", () =>
    Effect.gen(function*() {
      const { layer, metrics, store } = setup(2, transient)
      const fiber = yield* Effect.fork(processBatch(p, decoder, recordsOf(views(1))).pipe(Effect.provide(layer)))
      yield* TestClock.adjust("1 hour")
      const result = yield* Fiber.join(fiber)
      expect(result.outcomes[0]!._tag).toBe("Succeeded")
      expect(store.attempts).toHaveLength(3)
      // Defaults: the first retry waits at most 50 ms, the second at most 100 ms.
      expect(store.attempts[1]! - store.attempts[0]!).toBeLessThanOrEqual(50)
      expect(store.attempts[2]! - store.attempts[1]!).toBeLessThanOrEqual(100)
      expect(metrics.counter("views:retry")).toBe(2)
      expect(metrics.counter("views:row_failed")).toBe(0)
    }))

  it.effect("does not retry a non-transient error", () =>
    Effect.gen(function*() {
      const { layer, metrics, store } = setup(1, permanent)
      const result = yield* processBatch(p, decoder, recordsOf(views(1))).pipe(Effect.provide(layer))
      const outcome = result.outcomes[0] as Extract<RecordOutcome, { _tag: "Failed" }>
      expect(outcome.error).toBe(permanent)
      expect(store.attempts).toHaveLength(1)
      expect(metrics.counter("views:retry")).toBe(0)
      expect(metrics.counter("views:row_failed")).toBe(1)
    }))

  it.effect("stops retrying when a retry fails non-transiently", () =>
    Effect.gen(function*() {
      let calls = 0
      const metrics = makeMemoryMetrics()
      const service: StoreService = {
        get: () => Effect.succeed(Option.none()),
        getMany: (_t, _m, keys) => Effect.succeed(keys.map(() => Option.none())),
        getRange: () => Effect.succeed([]),
        commit: () => Effect.fail(++calls === 1 ? transient : permanent)
      }
      const layer = Layer.merge(Layer.succeed(Store, service), Layer.succeed(Metrics, metrics.service))
      const fiber = yield* Effect.fork(processBatch(p, decoder, recordsOf(views(1))).pipe(Effect.provide(layer)))
      yield* TestClock.adjust("1 hour")
      const result = yield* Fiber.join(fiber)
      expect(result.outcomes[0]).toEqual({ _tag: "Failed", error: permanent })
      expect(calls).toBe(2)
    }))

  it.effect("maxAttempts 1 means no retry", () =>
    Effect.gen(function*() {
      const { layer, store } = setup(1, transient)
      const result = yield* processBatch(p, decoder, recordsOf(views(1)), { retry: { maxAttempts: 1 } }).pipe(
        Effect.provide(layer)
      )
      expect(result.outcomes[0]).toMatchObject({ _tag: "Failed", error: { _tag: "RetriesExhausted", attempts: 1 } })
      expect(store.attempts).toHaveLength(1)
    }))

  it.effect("interruption during backoff stops at once and dead-letters nothing", () =>
    Effect.gen(function*() {
      const { layer, metrics, store } = setup(10, transient)
      let decodeErrors = 0
      const fiber = yield* processBatch(p, decoder, recordsOf(["oops", ...views(1)]), {
        retry: { baseMs: 60_000, capMs: 60_000 },
        onDecodeError: () => Effect.sync(() => void decodeErrors++)
      }).pipe(Effect.provide(layer), Effect.withRandom(Random.make(1)), Effect.fork)
      // Let it run its first attempt and start sleeping.
      yield* TestClock.adjust("1 milli")
      expect(store.attempts).toHaveLength(1)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(yield* Clock.currentTimeMillis).toBe(1)
      expect(store.attempts).toHaveLength(1)
      expect(metrics.counter("views:row_failed")).toBe(0)
      expect(metrics.counter("views:retry")).toBe(0)
      expect(decodeErrors).toBe(0)
    }))
})
