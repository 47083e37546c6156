import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { type MemoryMetrics, makeMemoryMetrics, Metrics } from "../../../src/metrics/index.js"
import type { SourceRecord } from "../../../src/processor/types.js"
import { MemoryState } from "../../../src/state/memory/index.js"

const encoder = new TextEncoder()

/** A view event as the tests' producers write it. */
export interface View {
  readonly page: string
  readonly user: string
  readonly n: number
}

/** Source records for events, with ascending sequence numbers from `firstSequence`. */
export const recordsOf = (events: ReadonlyArray<unknown>, firstSequence = 1_000): Array<SourceRecord> =>
  events.map((event, i) => ({
    eventId: `shard-0/${firstSequence + i}`,
    eventTimeMs: 1_700_000_000_000 + i * 1_000,
    data: encoder.encode(typeof event === "string" ? event : JSON.stringify(event)),
    sequence: String(firstSequence + i)
  }))

/** `n` views over `pages` pages and `users` users, with values 1..n. */
export const views = (n: number, pages = 3, users = 2): Array<View> =>
  Array.from({ length: n }, (_, i) => ({ page: `p${i % pages}`, user: `u${i % users}`, n: i + 1 }))

const harnessLayer = (state: MemoryState.MemoryState, metrics: MemoryMetrics) =>
  Layer.merge(state.layer, Layer.succeed(Metrics, metrics.service))

/** A fresh harness. */
export const makeHarness = () => {
  const state = MemoryState.make()
  const metrics = makeMemoryMetrics()
  return { state, metrics, layer: harnessLayer(state, metrics) }
}

/**
 * Runs an effect that sleeps (retry backoff) by advancing the TestClock until it completes. The
 * clock moves again after every yield: one adjustment made before a busy fiber reached its sleep
 * would leave that sleep waiting forever.
 */
export const withTestClock = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    for (;;) {
      const exit = yield* Fiber.poll(fiber)
      if (Option.isSome(exit)) return yield* exit.value
      yield* TestClock.adjust("1 hour")
      yield* Effect.yieldNow()
    }
  })
