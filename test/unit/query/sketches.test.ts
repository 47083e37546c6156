import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as TestClock from "effect/TestClock"
import { count } from "../../../src/monoid/numeric.js"
import { bloom, decayedSum, hll, hllEstimate, mapOf, topK, tuple } from "../../../src/monoid/index.js"
import type { Monoid } from "../../../src/monoid/Monoid.js"
import { setOf, set } from "../../../src/monoid/set.js"
import { pipeline } from "../../../src/pipeline/Pipeline.js"
import * as Query from "../../../src/query/index.js"
import { daily } from "../../../src/window/Window.js"
import { makeTestStore } from "./testStore.js"

const day = 86_400_000
const hour = 3_600_000

const windowed = <V>(name: string, monoid: Monoid<V>) =>
  pipeline<{ k: string }, V>({ name, key: (e) => e.k, value: () => monoid.empty, monoid, window: daily(), store: name })
const allTime = <V>(name: string, monoid: Monoid<V>) =>
  pipeline<{ k: string }, V>({ name, key: (e) => e.k, value: () => monoid.empty, monoid, store: name })

const uniques = hll()
const pages = topK(3)
const seen = bloom(1_000, 0.01)
const trending = decayedSum("1 hour")

describe("renderAt: an answer per monoid", () => {
  it("hll: { estimate }; topK: [{ item, count }]; bloom: shape, bits set and an estimate", () => {
    expect(Query.renderAt(uniques, uniques.of("a", "b", "a"), 0)).toEqual({ estimate: 2 })
    expect(Query.renderAt(uniques, uniques.empty, 0)).toEqual({ estimate: 0 })
    expect(Query.renderAt(pages, pages.combine(pages.of("/a", 2), pages.of("/b", 5)), 0)).toEqual([
      { item: "/b", count: 5 },
      { item: "/a", count: 2 }
    ])
    const filter = Query.renderAt(seen, seen.of(...Array.from({ length: 200 }, (_, i) => `u${i}`)), 0) as Query.BloomAnswer
    expect(filter).toMatchObject({ bits: seen.bits, hashes: seen.hashes })
    expect(filter.setBits).toBeGreaterThan(1_000)
    expect(filter.setBits).toBeLessThanOrEqual(200 * seen.hashes)
    expect(Math.abs(filter.estimate! - 200)).toBeLessThan(10)
    expect(Query.renderAt(seen, seen.empty, 0)).toEqual({ bits: seen.bits, hashes: seen.hashes, setBits: 0, estimate: 0 })
  })

  it("decayedSum: the value as of now; mapOf and tuple render each part with its own monoid; the rest as is", () => {
    const score = trending.of(8, 0)
    expect(Query.renderAt(trending, score, 0)).toBe(8)
    expect(Query.renderAt(trending, score, 2 * hour)).toBe(2)
    expect(Query.renderAt(trending, trending.empty, hour)).toBe(0)
    const perCountry = mapOf(uniques)
    expect(Query.renderAt(perCountry, new Map([["fr", uniques.of("a")], ["de", uniques.of("a", "b")]]), 0)).toEqual({
      fr: { estimate: 1 },
      de: { estimate: 2 }
    })
    const both = tuple(uniques, pages, count)
    expect(Query.renderAt(both, [uniques.of("x"), pages.of("/x"), 3], 0)).toEqual([{ estimate: 1 }, [{ item: "/x", count: 1 }], 3])
    expect(Query.renderAt(count, 5, 0)).toBe(5)
    expect(Query.renderAt(set, setOf("b", "a"), 0)).toEqual(["a", "b"])
  })

  it.effect("render reads the decayed sum at the Clock's now", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(10 * hour)
      const score = trending.of(4, 9 * hour)
      expect(yield* Query.render(trending, score)).toBe(2)
      yield* TestClock.adjust("1 hour")
      expect(yield* Query.render(trending, score)).toBe(1)
    }))
})

describe("reads merge sketches across buckets", () => {
  it.effect("seven daily HLLs → weekly uniques: the union, not the sum of the days", () => {
    const store = makeTestStore()
    const visitors = windowed("visitors", uniques)
    const today = 20_000
    const everyone: Array<string> = []
    for (let d = 0; d < 7; d++) {
      // 100 users a day, half of them also there the day before.
      const users = Array.from({ length: 100 }, (_, i) => `u${d * 50 + i}`)
      everyone.push(...users)
      store.seed(visitors, "/home", today - d, uniques.of(...users))
    }
    return Effect.gen(function*() {
      const week = yield* Query.window(visitors, "/home", "7 days", today * day + day / 2)
      expect(uniques.equals(week, uniques.of(...everyone))).toBe(true)
      expect(Query.renderAt(uniques, week, 0)).toEqual({ estimate: hllEstimate(uniques.of(...everyone)) })
      expect(new Set(everyone).size).toBe(400) // seven days of 100 would be 700
      expect(Math.abs(hllEstimate(week) - 400)).toBeLessThanOrEqual(4)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("top-K over a range merges the days' summaries", () => {
    const store = makeTestStore()
    const top = windowed("top", pages)
    store.seed(top, "all", 100, pages.fromCounts(new Map([["/a", 5], ["/b", 1]])))
    store.seed(top, "all", 101, pages.fromCounts(new Map([["/b", 7], ["/c", 2]])))
    return Effect.gen(function*() {
      const both = yield* Query.range(top, "all", 100 * day, 101 * day)
      expect(Query.renderAt(pages, both, 0)).toEqual([{ item: "/b", count: 8 }, { item: "/a", count: 5 }, { item: "/c", count: 2 }])
    }).pipe(Effect.provide(store.layer))
  })
})

describe("Query.contains", () => {
  it.effect("all-time and over a window; false is certain", () => {
    const store = makeTestStore()
    const members = allTime("members", seen)
    const daily = windowed("daily-members", seen)
    store.seed(members, "/home", 0, seen.of("ann", "bob"))
    store.seed(daily, "/home", 500, seen.of("ann"))
    store.seed(daily, "/home", 501, seen.of("cy"))
    return Effect.gen(function*() {
      expect(yield* Query.contains(members, "/home", "ann")).toBe(true)
      expect(yield* Query.contains(members, "/home", "zoe")).toBe(false)
      expect(yield* Query.contains(members, "/nobody", "ann")).toBe(false)
      const now = 501 * day + hour
      expect(yield* Query.contains(daily, "/home", "ann", { last: "2 days", now })).toBe(true)
      expect(yield* Query.contains(daily, "/home", "ann", { last: "1 day", now })).toBe(false)
      expect(yield* Query.contains(daily, "/home", "cy", { last: "1 day", now })).toBe(true)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("fails with NotBloom for another monoid, WindowRequired for a windowed bloom without last", () => {
    const store = makeTestStore()
    return Effect.gen(function*() {
      const notBloom = yield* Effect.either(Query.contains(allTime("u", uniques), "/home", "ann"))
      expect(Either.isLeft(notBloom) && notBloom.left._tag).toBe("NotBloom")
      const noWindow = yield* Effect.either(Query.contains(windowed("d", seen), "/home", "ann"))
      expect(Either.isLeft(noWindow) && noWindow.left._tag).toBe("WindowRequired")
    }).pipe(Effect.provide(store.layer))
  })
})
