/**
 * Row-size budgets: how many bytes a value takes in a row's `v`, and whether it still fits its
 * monoid's declared budget. The planner checks a row's combined value with these before a
 * commit, so no row can grow past DynamoDB's item limit.
 */
import type { Monoid } from "./Monoid.js"

/** DynamoDB's item size limit (400 KB): a row's attribute names and values must fit in it. */
export const dynamoItemLimitBytes = 400 * 1024

/** DynamoDB's size of a number (or its decimal text): one byte per two significant digits, plus one. */
export const dynamoNumberBytes = (value: number | string): number => {
  const text = typeof value === "number" ? Math.abs(value).toExponential() : value.toLowerCase()
  const digits = text.split("e")[0]!.replace(/^[-+]/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "")
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1
}

/**
 * The bytes a value takes in a row's `v` (0 for an unset numeric value, which is not written).
 *
 * @example
 * encodedBytes(set, setOf("a", "b")) // 9: the JSON text ["a","b"]
 */
export const encodedBytes = <V>(monoid: Monoid<V>, value: V): number => {
  const codec = monoid.codec
  if (codec.storage === "binary") return codec.encode(value).byteLength
  const n = codec.encode(value)
  return n === undefined ? 0 : dynamoNumberBytes(n)
}

/**
 * Why `value` breaks its monoid's budget (more encoded bytes than `maxEncodedBytes`, or the
 * monoid's own finer limit such as `set`'s `maxMembers`), or `undefined` when it fits. Pass
 * `bytes` when the value is already encoded.
 *
 * @example
 * overBudget(boundedSet({ maxMembers: 1 }), setOf("a", "b")) // "set has 2 members; at most 1 allowed"
 */
export const overBudget = <V>(monoid: Monoid<V>, value: V, bytes?: number): string | undefined => {
  const own = monoid.overBudget?.(value)
  if (own !== undefined) return own
  if (monoid.maxEncodedBytes === undefined) return undefined
  const size = bytes ?? encodedBytes(monoid, value)
  return size > monoid.maxEncodedBytes
    ? `${monoid.name} value takes ${size} bytes; at most ${monoid.maxEncodedBytes} allowed`
    : undefined
}
