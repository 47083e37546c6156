import type { Monoid } from "./Monoid.js"
import { jsonBytes, parseJsonBytes } from "./jsonCodec.js"

/** A value with the time (epoch ms) it was observed, for first/last. */
export interface Stamped<T> {
  readonly at: number
  readonly value: T
}

/** Builds a `Stamped` value, for value extractors of first/last pipelines. */
export const stamped = <T>(at: number, value: T): Stamped<T> => ({ at, value })

/** `null` is the lawful "unset" identity of first and last. */
export type Latest<T> = Stamped<T> | null

/** Times in a total order: NaN before every number (and equal to itself), -0 equal to 0. */
const compareTimes = (left: number, right: number): number =>
  left === right || (Number.isNaN(left) && Number.isNaN(right))
    ? 0
    : Number.isNaN(left) ? -1 : Number.isNaN(right) ? 1 : left < right ? -1 : 1

// `JSON.stringify` gives `undefined` for values with no JSON text (undefined, functions).
const jsonText = (value: unknown): string | undefined => JSON.stringify(value)

/**
 * A total order on stamped values, so every worker picks the same winner whatever the order:
 * time first, then the JSON text of the value, a value with no JSON text (`undefined`) first.
 */
const compareStamped = <T>(left: Stamped<T>, right: Stamped<T>): number => {
  const byTime = compareTimes(left.at, right.at)
  if (byTime !== 0) return byTime
  const l = jsonText(left.value)
  const r = jsonText(right.value)
  if (l === r) return 0
  if (l === undefined) return -1
  if (r === undefined) return 1
  return l < r ? -1 : 1
}

const stampedMonoid = <T>(kind: "first" | "last"): Monoid<Latest<T>> => ({
  kind,
  name: kind,
  empty: null,
  combine: (left, right) => {
    if (left === null) return right
    if (right === null) return left
    const order = compareStamped(left, right)
    return kind === "first" ? (order <= 0 ? left : right) : (order >= 0 ? left : right)
  },
  commutative: true,
  additive: true,
  nativeAdd: false,
  equals: (left, right) => left === right || (left !== null && right !== null && compareStamped(left, right) === 0),
  codec: { storage: "binary", encode: jsonBytes, decode: (bytes) => parseJsonBytes(bytes) as Latest<T> },
  // Whatever the value is, it replaces the stored one: the row does not grow, but nothing bounds it.
  maxEncodedBytes: undefined
})

/**
 * The earliest value by event time; equal times keep the smaller JSON text (`undefined` is smallest).
 *
 * @example
 * first<string>().combine(stamped(2, "b"), stamped(1, "a")) // { at: 1, value: "a" }
 */
export const first = <T = unknown>(): Monoid<Latest<T>> => stampedMonoid<T>("first")

/**
 * The latest value by event time; equal times keep the larger JSON text (`undefined` is smallest).
 *
 * @example
 * last<string>().combine(stamped(2, "b"), stamped(1, "a")) // { at: 2, value: "b" }
 */
export const last = <T = unknown>(): Monoid<Latest<T>> => stampedMonoid<T>("last")
