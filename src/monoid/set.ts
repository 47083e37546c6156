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

/**
 * Union of string sets.
 *
 * @example
 * set.combine(setOf("b"), setOf("a", "b")) // ["a", "b"]
 */
export const set: Monoid<StringSet> = {
  kind: "set",
  name: "set",
  empty: [],
  combine: union,
  commutative: true,
  additive: true,
  nativeAdd: false,
  equals: (left, right) => left.length === right.length && left.every((member, i) => member === right[i]),
  codec: { storage: "binary", encode: jsonBytes, decode: (bytes) => parseJsonBytes(bytes) as StringSet }
}
