import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import { StoreError } from "../../../src/errors.js"
import { makeMemoryMetrics, Metrics } from "../../../src/metrics/index.js"
import type { Monoid } from "../../../src/monoid/Monoid.js"
import { sum } from "../../../src/monoid/numeric.js"
import { lastClosedBucket, readRanges } from "../../../src/query/readRanges.js"
import { Cache, type CacheService } from "../../../src/state/Cache.js"
import * as MemoryCache from "../../../src/state/memory/MemoryCache.js"
import * as MemoryStore from "../../../src/state/memory/MemoryStore.js"
import { Store } from "../../../src/state/Store.js"
import {
  baseBucket,
  cacheTargets,
  hourMs,
  joined,
  sameAnswersThroughCache,
  type Scenario,
  scenario,
  type SeedRow,
  startMs,
  valueAs,
  writeRows
} from "./rangeScenario.js"
import { makeTestStore } from "./testStore.js"

const targets = <V>(monoid: Monoid<V>) => cacheTargets(monoid, "views", "t")

const runScenario = <V>(monoid: Monoid<V>, valueOf: (r: SeedRow) => V, s: Scenario) =>
  Effect.gen(function*() {
    const store = MemoryStore.make()
    const cache = MemoryCache.make()
    yield* TestClock.setTime(startMs)
    yield* writeRows(store.service, undefined, "t", monoid, s.rows, valueOf)
    const check = sameAnswersThroughCache(targets(monoid), s).pipe(
      Effect.provide(Layer.merge(Layer.succeed(Store, store.service), Layer.succeed(Cache, cache.service)))
    )
    yield* check
    yield* check // now from the cache
    yield* writeRows(store.service, cache.service, "t", monoid, s.late, valueOf)
    yield* check
    // Rows and blocks expire as the clock moves: past some row TTLs (blocks still alive), then past the cache's life.
    yield* TestClock.adjust(45 * 60_000)
    yield* check
    yield* TestClock.adjust(2 * hourMs)
    yield* check
  })

describe("read-through cache (memory store and cache)", () => {
  it.effect("answers as the store alone on random data: sparse rows, every kind of TTL, late merges, time passing", () =>
    Effect.forEach(fc.sample(scenario, { numRuns: 40, seed: 18 }), (s) =>
      Effect.zipRight(runScenario(sum, valueAs.number, s), runScenario(joined, valueAs.joined, s)), { discard: true }))

  it.effect("serves closed buckets from the cache: the second read asks the store for the open part only", () => {
    const store = makeTestStore()
    const cache = MemoryCache.make()
    const { cached } = targets(sum)
    for (let b = baseBucket; b <= baseBucket + 200; b += 3) store.seed(cached, "k", b, 1)
    const range = { lo: baseBucket + 33, hi: baseBucket + 200 }
    return Effect.gen(function*() {
      yield* TestClock.setTime(startMs) // 20 minutes into bucket base+200: base+199 is within its grace
      const closedHi = lastClosedBucket(cached.window!, cache.service.policy.graceMs, startMs)
      expect(closedHi).toBe(baseBucket + 199)
      expect(yield* readRanges(cached, ["k"], range)).toEqual([56])
      // The closed part with one range read (folded into blocks and cached), the open bucket by key.
      expect(store.rangesRead()).toEqual([`k ${range.lo}..${baseBucket + 199}`])
      expect(store.keysRead()).toBe(1)
      expect(yield* readRanges(cached, ["k"], range)).toEqual([56])
      expect(store.rangesRead()).toHaveLength(1)
      expect(store.keysRead()).toBe(2)
      expect(cache.control.readCalls()).toBe(2)
      // An hour on, the window slides: only the newly closed bucket and the open one are read.
      yield* TestClock.adjust(hourMs)
      const next = { lo: range.lo + 1, hi: range.hi + 1 }
      expect(yield* readRanges(cached, ["k"], next)).toEqual([55])
      expect(store.rangesRead().slice(1)).toEqual([`k ${baseBucket + 200}..${baseBucket + 200}`])
      expect(store.keysRead()).toBe(3)
    }).pipe(Effect.provide(Layer.merge(store.layer, Layer.succeed(Cache, cache.service))))
  })

  it.effect("a failing cache is a metric, never an error: the store answers", () => {
    const store = makeTestStore()
    const metrics = makeMemoryMetrics()
    const { cached } = targets(sum)
    store.seed(cached, "k", baseBucket + 10, 4)
    const failing: CacheService = {
      ...MemoryCache.make().service,
      getBlocks: () => Effect.fail(new StoreError({ operation: "cache.getBlocks", transient: true, message: "down" }))
    }
    return Effect.gen(function*() {
      yield* TestClock.setTime(startMs)
      expect(yield* readRanges(cached, ["k"], { lo: baseBucket, hi: baseBucket + 200 })).toEqual([4])
      expect(metrics.counter("views:cache_fallback")).toBe(1)
    }).pipe(
      Effect.provide(Layer.mergeAll(store.layer, Layer.succeed(Cache, failing), Layer.succeed(Metrics, metrics.service)))
    )
  })
})
