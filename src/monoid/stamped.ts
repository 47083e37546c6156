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

// Ties on time are broken by the JSON text of the value, so every worker picks the same winner.
const compareStamped = <T>(left: Stamped<T>, right: Stamped<T>): number => {
  if (left.at !== right.at) return left.at < right.at ? -1 : 1
  const l = JSON.stringify(left.value)
  const r = JSON.stringify(right.value)
  return l < r ? -1 : l > r ? 1 : 0
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
  equals: (left, right) =>
    left === right ||
    (left !== null && right !== null && left.at === right.at &&
      JSON.stringify(left.value) === JSON.stringify(right.value)),
  codec: { storage: "binary", encode: jsonBytes, decode: (bytes) => parseJsonBytes(bytes) as Latest<T> }
})

/**
 * The earliest value by event time; equal times keep the smaller JSON text.
 *
 * @example
 * first<string>().combine(stamped(2, "b"), stamped(1, "a")) // { at: 1, value: "a" }
 */
export const first = <T = unknown>(): Monoid<Latest<T>> => stampedMonoid<T>("first")

/**
 * The latest value by event time; equal times keep the larger JSON text.
 *
 * @example
 * last<string>().combine(stamped(2, "b"), stamped(1, "a")) // { at: 2, value: "b" }
 */
export const last = <T = unknown>(): Monoid<Latest<T>> => stampedMonoid<T>("last")
