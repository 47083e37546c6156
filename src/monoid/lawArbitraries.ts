/**
 * fast-check generators for the built-in monoids' values, edge cases included (`undefined` and
 * `null` stamped values, NaN and -0, empty and dense sketches), for `checkMonoidLaws`.
 */
import fc from "fast-check"
import type { Extremum } from "./numeric.js"
import type { Latest } from "./stamped.js"
import type { Hll, HllMonoid } from "./sketch/hll.js"
import type { TopK, TopKMonoid } from "./sketch/topK.js"
import type { Bloom, BloomMonoid } from "./sketch/bloom.js"
import type { Decayed, DecayedSumMonoid } from "./decayedSum.js"

/** Numbers including NaN, ±0 and ±Infinity. */
export const edgyNumbers: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(NaN, 0, -0, Infinity, -Infinity, 0.1),
  fc.double()
)

/** `min`/`max` values: unset (`null`) and edge-case numbers. */
export const extremumValues: fc.Arbitrary<Extremum> = fc.option(edgyNumbers, { nil: null })

/** Values a first/last may hold, `undefined` and `null` included. */
export const stampableValues: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(undefined, null, "", 0, false),
  fc.string({ maxLength: 3 }),
  fc.integer(),
  fc.record({ n: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }) })
)

/** `first`/`last` values: unset, and stamps on few distinct times (ties are the hard case), NaN included. */
export const latestValues: fc.Arbitrary<Latest<unknown>> = fc.option(
  fc.record({ at: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(NaN, -0)), value: stampableValues }),
  { nil: null }
)

/** HyperLogLog values from 0 to `max` elements of a small universe, so merges overlap. */
export const hllValues = (monoid: HllMonoid, max = 40): fc.Arbitrary<Hll> =>
  fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: max }).map((ids) => monoid.of(...ids.map((id) => `e${id}`)))

/** HyperLogLog values that are dense (thousands of elements), built fast. */
export const denseHllValues = (monoid: HllMonoid): fc.Arbitrary<Hll> =>
  fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 2000, max: 5000 })).map(([from, n]) => {
    const counter = monoid.counter()
    for (let i = from; i < from + n; i++) counter.add(`d${i}`)
    return counter.toHll()
  })

/**
 * Top-K values over at most `k` distinct items, the domain where Misra-Gries merging is exactly
 * associative (past it, only the error bound holds).
 */
export const topKValues = (monoid: TopKMonoid): fc.Arbitrary<TopK> =>
  fc.array(fc.tuple(fc.integer({ min: 0, max: monoid.k - 1 }), fc.integer({ min: 1, max: 50 })), { maxLength: monoid.k })
    .map((pairs) => monoid.fromCounts(new Map(pairs.map(([item, count]) => [`i${item}`, count]))))

/** Bloom values from 0 to `max` elements. */
export const bloomValues = (monoid: BloomMonoid, max = 30): fc.Arbitrary<Bloom> =>
  fc.array(fc.string({ maxLength: 6 }), { maxLength: max }).map((elements) => monoid.of(...elements))

/** Decayed sums: unset, and amounts at a few times (equal times included). */
export const decayedValues = (monoid: DecayedSumMonoid): fc.Arbitrary<Decayed> =>
  fc.option(
    fc.tuple(fc.integer({ min: -100, max: 100 }), fc.integer({ min: 0, max: 4 }))
      .map(([amount, hour]) => monoid.of(amount, hour * 3_600_000)),
    { nil: null }
  )
