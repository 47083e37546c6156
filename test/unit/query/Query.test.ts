import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as TestClock from "effect/TestClock"
import { custom } from "../../../src/monoid/custom.js"
import type { Monoid } from "../../../src/monoid/Monoid.js"
import { max, min, sum } from "../../../src/monoid/numeric.js"
import { first, last, stamped } from "../../../src/monoid/stamped.js"
import { pipeline } from "../../../src/pipeline/Pipeline.js"
import * as Query from "../../../src/query/index.js"
import { hourly } from "../../../src/window/Window.js"
import { makeTestStore } from "./testStore.js"

const hour = 3_600_000
const at = (h: number, ms = 0) => h * hour + ms

const windowed = <V>(name: string, monoid: Monoid<V>) =>
  pipeline<{ k: string }, V>({ name, key: (e) => e.k, value: () => monoid.empty, monoid, window: hourly(), store: name })
const allTime = <V>(name: string, monoid: Monoid<V>) =>
  pipeline<{ k: string }, V>({ name, key: (e) => e.k, value: () => monoid.empty, monoid, store: name })

describe("Query: all-time values", () => {
  it.effect("an absent key has the identity, not a stored zero", () => {
    const store = makeTestStore()
    const total = allTime("total", sum)
    const lowest = allTime("lowest", min)
    store.seed(total, "a", 0, 7)
    return Effect.gen(function*() {
      expect(yield* Query.value(total, "a")).toBe(7)
      expect(yield* Query.value(total, "nobody")).toBe(0)
      expect(yield* Query.value(lowest, "nobody")).toBeNull()
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("values answers in input order, duplicates included, with one read", () => {
    const store = makeTestStore()
    const total = allTime("total", sum)
    store.seed(total, "a", 0, 1)
    store.seed(total, "b", 0, 2)
    return Effect.gen(function*() {
      const got = yield* Query.values(total, ["b", "missing", "a", "b"])
      expect(got).toEqual([
        { entity: "b", value: 2 },
        { entity: "missing", value: 0 },
        { entity: "a", value: 1 },
        { entity: "b", value: 2 }
      ])
      expect(store.reads()).toBe(1)
      // "b" is read once: DynamoDB's BatchGetItem rejects repeated keys.
      expect(store.keysRead()).toBe(3)
      expect(yield* Query.values(total, [])).toEqual([])
      expect(store.reads()).toBe(1)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("a windowed pipeline has no all-time value: WindowRequired", () => {
    const store = makeTestStore()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Query.value(windowed("views", sum), "a"))
      expect(error._tag).toBe("WindowRequired")
      const many = yield* Effect.flip(Query.values(windowed("views", sum), ["a"]))
      expect(many._tag).toBe("WindowRequired")
      expect(store.reads()).toBe(0)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("an empty key is refused before the store is called", () => {
    const store = makeTestStore()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Query.value(allTime("total", sum), ""))
      expect(error._tag).toBe("InvalidKey")
      const long = yield* Effect.flip(Query.value(allTime("total", sum), "é".repeat(1025)))
      expect(long._tag).toBe("InvalidKey")
      expect(store.reads()).toBe(0)
    }).pipe(Effect.provide(store.layer))
  })
})

// Hourly sums of key "p": 08:00 → 1, 09:00 → 10, 10:00 → 100 (the window and range tests' rows).
const views = windowed("views", sum)
const seeded = () => {
  const store = makeTestStore()
  store.seed(views, "p", 8, 1)
  store.seed(views, "p", 9, 10)
  store.seed(views, "p", 10, 100)
  return store
}

describe("Query: window (last N buckets)", () => {

  it.effect("at the first millisecond of a bucket, 1 hour is that (partial) bucket alone", () => {
    const store = seeded()
    return Effect.gen(function*() {
      yield* TestClock.setTime(at(10))
      expect(yield* Query.window(views, "p", "1 hour")).toBe(100)
      expect(yield* Query.window(views, "p", "2 hours")).toBe(110)
      expect(yield* Query.window(views, "p", "3 hours")).toBe(111)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("at the last millisecond of a bucket, and a duration just over one bucket", () => {
    const store = seeded()
    return Effect.gen(function*() {
      yield* TestClock.setTime(at(10, hour - 1))
      expect(yield* Query.window(views, "p", "1 hour")).toBe(100)
      expect(yield* Query.window(views, "p", "61 minutes")).toBe(110)
      expect(yield* Query.windowBuckets(views, "61 minutes")).toEqual({ lo: 9, hi: 10 })
      // One millisecond later the window has moved on to an empty bucket.
      expect(yield* Query.window(views, "p", "1 hour", at(11))).toBe(0)
      expect(yield* Query.window(views, "p", "2 hours", at(11))).toBe(100)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("windowMany folds each key over its own buckets, in input order, one range read per distinct key", () => {
    const store = seeded()
    store.seed(views, "q", 9, 5)
    return Effect.gen(function*() {
      const got = yield* Query.windowMany(views, ["q", "p", "none", "q"], "2 hours", at(10, 5))
      expect(got).toEqual([
        { entity: "q", value: 5 },
        { entity: "p", value: 110 },
        { entity: "none", value: 0 },
        { entity: "q", value: 5 }
      ])
      expect(store.reads()).toBe(3)
      expect(store.rangesRead()).toEqual(["q 9..10", "p 9..10", "none 9..10"])
      expect(store.keysRead()).toBe(0)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("a pipeline without buckets, and a duration of zero, are typed errors", () => {
    const store = seeded()
    return Effect.gen(function*() {
      expect((yield* Effect.flip(Query.window(allTime("t", sum), "p", "1 hour")))._tag).toBe("NotWindowed")
      expect((yield* Effect.flip(Query.window(views, "p", "0 seconds")))._tag).toBe("InvalidRange")
      expect((yield* Effect.flip(Query.window(views, "p", "1 hour", Number.NaN)))._tag).toBe("InvalidRange")
      expect(store.reads()).toBe(0)
    }).pipe(Effect.provide(store.layer))
  })
})

describe("Query: range", () => {

  it.effect("both ends are included, as whole buckets", () => {
    const store = seeded()
    return Effect.gen(function*() {
      expect(yield* Query.range(views, "p", at(9), at(10))).toBe(110)
      expect(yield* Query.range(views, "p", at(9), at(10) - 1)).toBe(10)
      expect(yield* Query.range(views, "p", at(9) - 1, at(9))).toBe(11)
      expect(yield* Query.range(views, "p", at(10, 5), at(10, 5))).toBe(100)
      expect(yield* Query.range(views, "p", new Date(at(8)), new Date(at(12)))).toBe(111)
      expect(yield* Query.rangeBuckets(views, at(9), at(10))).toEqual({ lo: 9, hi: 10 })
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("end before start, or an invalid date, is InvalidRange", () => {
    const store = seeded()
    return Effect.gen(function*() {
      expect((yield* Effect.flip(Query.range(views, "p", at(10), at(9))))._tag).toBe("InvalidRange")
      expect((yield* Effect.flip(Query.range(views, "p", new Date("nope"), at(9))))._tag).toBe("InvalidRange")
      expect(store.reads()).toBe(0)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("rangeMany answers in input order", () => {
    const store = seeded()
    store.seed(views, "q", 10, 3)
    return Effect.gen(function*() {
      const got = yield* Query.rangeMany(views, ["q", "p"], at(10), at(10))
      expect(got).toEqual([{ entity: "q", value: 3 }, { entity: "p", value: 100 }])
    }).pipe(Effect.provide(store.layer))
  })
})

describe("Query: missing buckets contribute the identity", () => {
  it.effect("min and max skip gaps and stay unset (null) when nothing was written", () => {
    const store = makeTestStore()
    const lowest = windowed("lowest", min)
    const highest = windowed("highest", max)
    store.seed(lowest, "p", 9, 5)
    store.seed(lowest, "p", 11, 3)
    store.seed(highest, "p", 9, -5)
    return Effect.gen(function*() {
      // A stored zero for the gaps at 8 and 10 would make these 0.
      expect(yield* Query.range(lowest, "p", at(8), at(11))).toBe(3)
      expect(yield* Query.range(highest, "p", at(8), at(11))).toBe(-5)
      expect(yield* Query.range(lowest, "nobody", at(8), at(11))).toBeNull()
      expect(yield* Query.range(highest, "p", at(20), at(21))).toBeNull()
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("sum over empty buckets is 0", () => {
    const store = makeTestStore()
    return Effect.gen(function*() {
      expect(yield* Query.range(windowed("views", sum), "p", at(0), at(48))).toBe(0)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("buckets are folded in ascending order (a non-commutative monoid shows it)", () => {
    const store = makeTestStore()
    const concat = custom<string>({ name: "concat", empty: "", combine: (l, r) => l + r })
    const trail = windowed("trail", concat)
    store.seed(trail, "p", 10, "c")
    store.seed(trail, "p", 8, "a")
    store.seed(trail, "p", 9, "b")
    store.seed(trail, "p", 12, "e")
    return Effect.gen(function*() {
      expect(yield* Query.range(trail, "p", at(8), at(12))).toBe("abce")
      expect(yield* Query.window(trail, "p", "3 hours", at(12))).toBe("ce")
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("first and last pick by event time across buckets, and unset is null", () => {
    const store = makeTestStore()
    const earliest = windowed("earliest", first<string>())
    const latest = windowed("latest", last<string>())
    store.seed(earliest, "p", 9, stamped(at(9, 10), "x"))
    store.seed(earliest, "p", 10, stamped(at(10, 1), "y"))
    store.seed(latest, "p", 9, stamped(at(9, 10), "x"))
    store.seed(latest, "p", 10, stamped(at(10, 1), "y"))
    return Effect.gen(function*() {
      expect(yield* Query.range(earliest, "p", at(8), at(11))).toEqual({ at: at(9, 10), value: "x" })
      expect(yield* Query.range(latest, "p", at(8), at(11))).toEqual({ at: at(10, 1), value: "y" })
      expect(yield* Query.range(latest, "p", at(11), at(12))).toBeNull()
    }).pipe(Effect.provide(store.layer))
  })
})

describe("Query: limits", () => {
  it.effect("a year of hours is refused by default, before the store is called", () => {
    const store = makeTestStore()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Query.window(views, "p", "365 days", at(100_000)))
      expect(error._tag).toBe("RangeTooLarge")
      if (error._tag === "RangeTooLarge") expect(error.buckets).toBe(8760)
      expect(store.reads()).toBe(0)
    }).pipe(Effect.provide(store.layer), Effect.provideService(Query.QueryLimits, { maxBuckets: 8000, maxRows: 100_000 }))
  })

  it.effect("bucket and row limits apply at their thresholds, and can be raised", () => {
    const store = makeTestStore()
    const limits = { maxBuckets: 2, maxRows: 4 }
    return Effect.gen(function*() {
      expect(yield* Query.window(views, "p", "2 hours", at(10))).toBe(0)
      expect((yield* Effect.flip(Query.window(views, "p", "3 hours", at(10))))._tag).toBe("RangeTooLarge")
      expect(yield* Query.windowMany(views, ["a", "b", "a"], "2 hours", at(10))).toHaveLength(3)
      const rows = yield* Effect.flip(Query.windowMany(views, ["a", "b", "c"], "2 hours", at(10)))
      expect(rows._tag === "RangeTooLarge" && rows.rows).toBe(6)
    }).pipe(Effect.provide(store.layer), Effect.provideService(Query.QueryLimits, limits))
  })

  it.effect("an infinite window is refused, not looped over", () => {
    const store = makeTestStore()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Query.window(views, "p", Duration.infinity, at(10)))
      expect(error._tag).toBe("RangeTooLarge")
      expect(store.reads()).toBe(0)
    }).pipe(Effect.provide(store.layer))
  })

  it.effect("the default limit is 10,000 buckets per key", () => {
    const store = makeTestStore()
    return Effect.gen(function*() {
      const limits = yield* Query.QueryLimits
      expect(limits.maxBuckets).toBe(10_000)
      const ok = yield* Effect.either(Query.window(views, "p", "10000 hours", at(20_000)))
      expect(Either.isRight(ok)).toBe(true)
      const over = yield* Effect.flip(Query.window(views, "p", "10001 hours", at(20_000)))
      expect(over._tag).toBe("RangeTooLarge")
    }).pipe(Effect.provide(store.layer))
  })
})

describe("topN", () => {
  it("sorts by value, largest first, unset last, ties by key", () => {
    const ranked = Query.topN(
      [
        { entity: "c", value: 3 },
        { entity: "z", value: null },
        { entity: "b", value: 5 },
        { entity: "a", value: 3 }
      ],
      3
    )
    expect(ranked).toEqual([{ entity: "b", value: 5 }, { entity: "a", value: 3 }, { entity: "c", value: 3 }])
    expect(Query.topN([{ entity: "z", value: null }, { entity: "y", value: 0 }], 5).map((e) => e.entity)).toEqual(["y", "z"])
    expect(Query.topN([{ entity: "a", value: 1 }], 0)).toEqual([])
  })
})
