import type { Monoid } from "./Monoid.js"
import { jsonBytes, parseJsonBytes } from "./jsonCodec.js"

/** A set of strings kept as a sorted array without duplicates, so equal sets are equal arrays. */
export type StringSet = ReadonlyArray<string>

const union = (left: StringSet, right: StringSet): StringSet => {
  if (left.length === 0) return right
  if (right.length === 0) return left
  const out: Array<string> = []
  let i = 0
  let j = 0
  while (i < left.length || j < right.length) {
    const l = left[i]
    const r = right[j]
    if (r === undefined || (l !== undefined && l < r)) {
      out.push(l as string)
      i++
    } else if (l === undefined || r < l) {
      out.push(r)
      j++
    } else {
      out.push(l)
      i++
      j++
    }
  }
  return out
}

/** Normalises any list of strings into a `StringSet` (sorted, unique): use it in value extractors. */
export const setOf = (...members: ReadonlyArray<string>): StringSet => Array.from(new Set(members)).sort()

/** Limits of a `boundedSet`, so its row stays under DynamoDB's 400 KB item limit. */
export interface SetLimits {
  /** Default 10,000. */
  readonly maxMembers?: number
  /** Encoded (JSON) bytes; default 256 KiB, which leaves room in the item for keys and marks. */
  readonly maxBytes?: number
}

export const defaultSetLimits = { maxMembers: 10_000, maxBytes: 256 * 1024 } as const

/**
 * Union of string sets with explicit limits. A set keeps every member, so its row grows with
 * the number of distinct members; the planner refuses growth past the limits (see `overBudget`).
 * To count uniques, use `hll()`: fixed size (at most 12 KB), about 0.8 % error.
 *
 * @example
 * const tags = boundedSet({ maxMembers: 100 })
 * tags.combine(setOf("b"), setOf("a")) // ["a", "b"]
 */
export const boundedSet = (limits: SetLimits = {}): Monoid<StringSet> => {
  const maxMembers = limits.maxMembers ?? defaultSetLimits.maxMembers
  const maxBytes = limits.maxBytes ?? defaultSetLimits.maxBytes
  return {
    kind: "set",
    name: "set",
    empty: [],
    combine: union,
    commutative: true,
    additive: true,
    nativeAdd: false,
    equals: (left, right) => left.length === right.length && left.every((member, i) => member === right[i]),
    codec: { storage: "binary", encode: jsonBytes, decode: (bytes) => parseJsonBytes(bytes) as StringSet },
    maxEncodedBytes: maxBytes,
    overBudget: (value) =>
      value.length > maxMembers ? `set has ${value.length} members; at most ${maxMembers} allowed` : undefined
  }
}

/**
 * Union of string sets, within the default limits of `boundedSet` (10,000 members, 256 KiB).
 * For unique counts use `hll()` instead: a set's row grows with every distinct member.
 *
 * @example
 * set.combine(setOf("b"), setOf("a", "b")) // ["a", "b"]
 */
export const set: Monoid<StringSet> = boundedSet()
