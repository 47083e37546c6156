/**
 * Aggregates as answers: plain JSON-ready data per monoid kind, so a reader sees what a sketch
 * means (an estimate, a ranking, a score now) instead of its registers or bits.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { DecayedSumMonoid } from "../monoid/decayedSum.js"
import type { MapOfMonoid } from "../monoid/mapOf.js"
import type { Monoid } from "../monoid/Monoid.js"
import type { Bloom } from "../monoid/sketch/bloom.js"
import { type Hll, hllEstimate } from "../monoid/sketch/hll.js"
import type { TopK } from "../monoid/sketch/topK.js"
import type { TupleMonoid } from "../monoid/tuple.js"

/** An `hll` answer: the estimated number of distinct elements. */
export interface HllAnswer {
  readonly estimate: number
}

/** A `bloom` answer: its shape, how many bits are set, and about how many elements were added. */
export interface BloomAnswer {
  readonly bits: number
  readonly hashes: number
  readonly setBits: number
  /** Swamidass–Baldi: −(m/k)·ln(1 − set/m), rounded; `null` once every bit is set. Membership is `Query.contains`. */
  readonly estimate: number | null
}

const setBitsOf = (value: Bloom): number => {
  if (value.sparse !== undefined) return value.sparse.length
  let n = 0
  for (let b of value.dense!) {
    for (; b !== 0; b &= b - 1) n++
  }
  return n
}

const bloomAnswer = (value: Bloom): BloomAnswer => {
  const setBits = setBitsOf(value)
  const estimate = setBits >= value.bits ? null : Math.round((-value.bits / value.hashes) * Math.log1p(-setBits / value.bits))
  return { bits: value.bits, hashes: value.hashes, setBits, estimate }
}

/**
 * A value as its answer, as of `nowMs`:
 * - `hll`: `{ estimate }`; `topk`: `[{ item, count }]`, most frequent first;
 * - `bloom`: `{ bits, hashes, setBits, estimate }` (membership is `Query.contains`);
 * - `decayedSum`: the decayed value at `nowMs` (a number);
 * - `map`: an object of each key's answer; `tuple`: an array of each component's answer;
 * - numbers, sets (sorted strings), `first`/`last` (`{ at, value }`) and custom values as they are.
 *
 * @example
 * const uniques = hll()
 * renderAt(uniques, uniques.of("a", "b"), Date.now()) // { estimate: 2 }
 */
export const renderAt = <V>(monoid: Monoid<V>, value: V, nowMs: number): unknown => {
  switch (monoid.kind) {
    case "hll":
      return { estimate: hllEstimate(value as Hll) } satisfies HllAnswer
    case "topk":
      return (value as TopK).map(({ count, item }) => ({ item, count }))
    case "bloom":
      return bloomAnswer(value as Bloom)
    case "decayedSum":
      return (monoid as unknown as DecayedSumMonoid).valueAt(value as never, nowMs)
    case "map": {
      const inner = (monoid as unknown as MapOfMonoid<unknown>).inner
      if (inner === undefined) return value
      const out: Record<string, unknown> = {}
      for (const [key, v] of value as ReadonlyMap<string, unknown>) out[key] = renderAt(inner, v, nowMs)
      return out
    }
    case "tuple": {
      const parts = (monoid as unknown as TupleMonoid<ReadonlyArray<unknown>>).parts
      if (parts === undefined) return value
      return (value as ReadonlyArray<unknown>).map((v, i) => renderAt(parts[i]!, v, nowMs))
    }
    default:
      return value
  }
}

/**
 * `renderAt` as of the `Clock`'s now (a decayed sum is read at query time).
 *
 * @example
 * const score = yield* Query.value(trendingPages, "/pricing").pipe(Effect.flatMap((v) => render(trendingPages.monoid, v)))
 */
export const render = <V>(monoid: Monoid<V>, value: V): Effect.Effect<unknown> =>
  Effect.map(Clock.currentTimeMillis, (now) => renderAt(monoid, value, now))
