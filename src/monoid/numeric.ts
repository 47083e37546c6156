import type { Monoid, ValueCodec } from "./Monoid.js"

const numberCodec: ValueCodec<number> = {
  storage: "number",
  encode: (value) => value,
  decode: (stored) => stored
}

/** DynamoDB stores at most 38 significant digits: 19 bytes of digits, one of exponent, one more. */
const numberBytes = 21

const sameNumber = (left: number, right: number) => left === right || (Number.isNaN(left) && Number.isNaN(right))

/**
 * Sum of numbers. Stored as `N` and applied with DynamoDB `ADD`, so it coalesces.
 *
 * @example
 * sum.combine(2, 3) // 5
 */
export const sum: Monoid<number> = {
  kind: "sum",
  name: "sum",
  empty: 0,
  combine: (left, right) => left + right,
  commutative: true,
  additive: true,
  nativeAdd: true,
  equals: sameNumber,
  codec: numberCodec,
  maxEncodedBytes: numberBytes
}

/**
 * Count of events: a sum whose per-event delta is 1 (a count pipeline needs no value extractor).
 *
 * @example
 * count.combine(count.combine(count.empty, 1), 1) // 2
 */
export const count: Monoid<number> = { ...sum, kind: "count", name: "count" }

/** `null` is the lawful "unset" identity of min and max. */
export type Extremum = number | null

const extremumCodec: ValueCodec<Extremum> = {
  storage: "number",
  encode: (value) => value ?? undefined,
  decode: (stored) => stored
}

const extremum = (kind: "min" | "max", pick: (l: number, r: number) => number): Monoid<Extremum> => ({
  kind,
  name: kind,
  empty: null,
  combine: (left, right) => (left === null ? right : right === null ? left : pick(left, right)),
  commutative: true,
  additive: true,
  nativeAdd: false,
  // NaN wins every comparison Math.min/max makes, so it is a value like any other here.
  equals: (left, right) => left === right || (left !== null && right !== null && sameNumber(left, right)),
  codec: extremumCodec,
  maxEncodedBytes: numberBytes
})

/**
 * Smallest value seen; identity is `null` (unset).
 *
 * @example
 * min.combine(min.empty, 4) // 4
 */
export const min: Monoid<Extremum> = extremum("min", Math.min)

/**
 * Largest value seen; identity is `null` (unset).
 *
 * @example
 * max.combine(3, 9) // 9
 */
export const max: Monoid<Extremum> = extremum("max", Math.max)
