import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Redis } from "ioredis"
import { startRedis } from "../../../src/local/redis.js"
import { makeMemoryMetrics, Metrics } from "../../../src/metrics/index.js"
import { hll, hllEstimate } from "../../../src/monoid/index.js"
import type { Monoid } from "../../../src/monoid/Monoid.js"
import { sum } from "../../../src/monoid/numeric.js"
import { lastClosedBucket, type RangeTarget, readRanges } from "../../../src/query/readRanges.js"
import { coverRange } from "../../../src/state/blocks.js"
import { Cache, defaultCachePolicy } from "../../../src/state/Cache.js"
import * as MemoryStore from "../../../src/state/memory/MemoryStore.js"
import { blockKey, RedisCache } from "../../../src/state/redis/index.js"
import { Store } from "../../../src/state/Store.js"
import { hourly } from "../../../src/window/Window.js"
import { cacheTargets, joined, sameAnswersThroughCache, type Scenario, scenario, type SeedRow, shiftToNow, valueAs, writeRows } from "../../unit/query/rangeScenario.js"

// Real time here (redis-server expires keys on its own clock): scenarios move to now.
const nowBucket = () => Math.floor(Date.now() / 3_600_000)

const targets = <V>(name: string, monoid: Monoid<V>) => cacheTargets(monoid, name)

const runScenario = <V>(name: string, monoid: Monoid<V>, valueOf: (r: SeedRow) => V, s: Scenario) =>
  Effect.gen(function*() {
    const store = MemoryStore.make()
    const cache = yield* Cache
    yield* writeRows(store.service, undefined, name, monoid, s.rows, valueOf)
    const check = Effect.provideService(sameAnswersThroughCache(targets(name, monoid), s), Store, store.service)
    yield* check
    yield* check // from Redis now
    yield* writeRows(store.service, cache, name, monoid, s.late, valueOf)
    yield* check
  })

const cacheOn = (url: string) => RedisCache.layer({ url, keyPrefix: `t${process.pid}` })

describe("RedisCache (redis-server on a free port)", () => {
  it.scopedLive("answers as the store alone on random data: sparse rows, every kind of TTL, late merges", () =>
    Effect.gen(function*() {
      const redis = yield* startRedis()
      const samples = fc.sample(scenario, { numRuns: 25, seed: 1818 }).map((s) => shiftToNow(s))
      yield* Effect.forEach(samples, (s, i) =>
        Effect.zipRight(
          runScenario(`sum${i}`, sum, valueAs.number, s),
          runScenario(`joined${i}`, joined, valueAs.joined, s)
        ), { discard: true }).pipe(Effect.provide(cacheOn(redis.url)))
    }))

  it.scopedLive("keeps answering when Redis is killed mid-test: the store answers and the fallback is counted", () =>
    Effect.gen(function*() {
      const redis = yield* startRedis()
      const metrics = makeMemoryMetrics()
      const store = MemoryStore.make()
      const { cached } = targets("views", sum)
      const hi = nowBucket()
      const rows = Array.from({ length: 168 }, (_, i) => ({ entity: `k${i % 4}`, bucket: hi - i, value: i, ttl: undefined }))
      yield* writeRows(store.service, undefined, "views", sum, rows, valueAs.number)
      const ask = readRanges(cached, ["k0", "k1", "k2", "k3"], { lo: hi - 167, hi })
      const expected = [0, 1, 2, 3].map((k) => rows.filter((r) => r.entity === `k${k}`).reduce((a, r) => a + r.value, 0))
      yield* Effect.gen(function*() {
        expect(yield* ask).toEqual(expected)
        expect(yield* ask).toEqual(expected)
        expect(metrics.counter("views:cache_fallback")).toBe(0)
        yield* redis.stop
        expect(yield* ask).toEqual(expected)
        expect(yield* ask).toEqual(expected)
        expect(metrics.counter("views:cache_fallback")).toBe(2)
        // Commits go on too: a merge into a cache that is down is an error for the caller to count.
        const cache = yield* Cache
        const merged = yield* Effect.either(cache.merge("views", sum, { entity: "k0", bucket: hi - 4 }, 1, undefined))
        expect(merged._tag).toBe("Left")
      }).pipe(
        Effect.provide(Layer.mergeAll(cacheOn(redis.url), Layer.succeed(Store, store.service), Layer.succeed(Metrics, metrics.service)))
      )
    }))

  it.scopedLive("an hll block is a Redis HyperLogLog: PFCOUNT and PFMERGE read what the cache wrote", () =>
    Effect.gen(function*() {
      const redis = yield* startRedis()
      const uniques = hll()
      const store = MemoryStore.make()
      const hi = nowBucket()
      const users = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `user-${from + i}`)
      const rows = [
        { entity: "page", bucket: hi - 40, value: 0, ttl: undefined },
        { entity: "page", bucket: hi - 20, value: 1, ttl: undefined }
      ]
      const sketches = [uniques.of(...users(0, 300)), uniques.of(...users(200, 900))]
      yield* writeRows(store.service, undefined, "uniques", uniques, rows, (r) => sketches[r.value]!)
      const target: RangeTarget<typeof uniques.empty> = { name: "uniques", monoid: uniques, window: hourly(), store: "uniques", cache: true }
      const range = { lo: hi - 63, hi }
      // Which buckets count as closed depends on the time of day (the last hour only after its
      // grace): take the rule's answer just before and just after the read.
      const closedHi = () => Math.min(range.hi, lastClosedBucket(hourly(), defaultCachePolicy.graceMs, Date.now()))
      const closedBefore = closedHi()
      const [value] = yield* readRanges(target, ["page"], range).pipe(
        Effect.provide(Layer.merge(cacheOn(redis.url), Layer.succeed(Store, store.service)))
      )
      const closedAfter = closedHi()
      const client = yield* Effect.acquireRelease(Effect.sync(() => new Redis(redis.url)), (c) => Effect.sync(() => c.disconnect()))
      const keysUpTo = (last: number) =>
        coverRange({ lo: range.lo, hi: last }).map((block) => blockKey(`t${process.pid}`, "uniques", "page", block))
      const candidates = [...new Set([closedBefore, closedAfter])].map(keysUpTo)
      const held = yield* Effect.forEach(candidates, (keys) => Effect.promise(() => client.exists(...keys)))
      const closed = candidates.find((keys, i) => held[i] === keys.length)
      expect(closed, `every closed block cached (held ${held.join("/")} of ${candidates.map((k) => k.length).join("/")})`).toBeDefined()
      yield* Effect.promise(() => client.pfmerge(`t${process.pid}:union`, ...closed!))
      const counted = yield* Effect.promise(() => client.pfcount(`t${process.pid}:union`))
      expect(counted).toBe(hllEstimate(value!))
      expect(Math.abs(counted - 900)).toBeLessThan(30)
    }))
})
