import type { Monoid, ValueCodec } from "./Monoid.js"
import { numberBytes, sameNumber } from "./numberBasics.js"

const numberCodec: ValueCodec<number> = {
  storage: "number",
  encode: (value) => value,
  decode: (stored) => Number(stored)
}

export { type DecimalValue, sum } from "./decimalSum.js"

/**
 * Count of events: a sum whose per-event delta is 1 (a count pipeline needs no value extractor).
 * Counts stay integers, so plain numbers are exact.
 *
 * @example
 * count.combine(count.combine(count.empty, 1), 1) // 2
 */
export const count: Monoid<number> = {
  kind: "count",
  name: "count",
  empty: 0,
  combine: (left, right) => left + right,
  commutative: true,
  additive: true,
  nativeAdd: true,
  equals: sameNumber,
  codec: numberCodec,
  maxEncodedBytes: numberBytes
}

/** `null` is the lawful "unset" identity of min and max. */
export type Extremum = number | null

const extremumCodec: ValueCodec<Extremum> = {
  storage: "number",
  encode: (value) => value ?? undefined,
  decode: (stored) => Number(stored)
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
