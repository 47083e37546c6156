/**
 * Checks the planner makes per record, before any commit, so a value DynamoDB could never store
 * becomes that record's `DecodeFailed` (it never blocks a shard or the records around it) rather
 * than a row failure. Messages quote at most 32 characters of a key or value.
 */
import { DecodeError } from "../errors.js"
import { overBudget } from "../monoid/budget.js"
import type { Monoid } from "../monoid/Monoid.js"
import { clip, numberProblem } from "../state/numberLimits.js"
import { ttlSeconds, type Window } from "../window/Window.js"

/** Earliest event or arrival time a windowed pipeline accepts: 1970-01-01T00:00:00Z. */
export const minEventTimeMs = 0
/** Latest event or arrival time a windowed pipeline accepts: 9999-12-31T23:59:59.999Z. */
export const maxEventTimeMs = 253_402_300_799_999

// `String.prototype.isWellFormed` (Node 20+), typed here since the project's lib is ES2022.
const isWellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed()

/**
 * Why a key is not well-formed Unicode (a lone surrogate, which DynamoDB's UTF-8 would fold into
 * another key's row), or `undefined`.
 *
 * @example
 * keyUnicodeProblem("\ud800x") // "the key has a lone surrogate (not well-formed Unicode)"
 */
export const keyUnicodeProblem = (key: string): string | undefined =>
  isWellFormed(key) ? undefined : "the key has a lone surrogate (not well-formed Unicode)"

/**
 * Why a record's value could never be stored, or `undefined`: a numeric monoid's value must be a
 * number DynamoDB can hold (finite, at most 38 significant digits, 0 or magnitude 1e-130 to under
 * 1e126; an exact `sum` also takes decimal text), and any value must fit its monoid's budget on
 * its own (`maxEncodedBytes`, `set`'s `maxMembers`).
 *
 * @example
 * valueProblem(sum, 1e400)?.reason // "number"
 */
export const valueProblem = <V>(monoid: Monoid<V>, value: V): DecodeError | undefined => {
  const codec = monoid.codec
  if (codec.storage === "number") {
    if (typeof value === "number" && Number.isSafeInteger(value)) return undefined
    let n: unknown
    try {
      n = codec.encode(value)
    } catch (cause) {
      return new DecodeError({ reason: "number", message: `the ${monoid.name} value does not encode as a number`, cause })
    }
    if (n === undefined) return undefined
    const problem = typeof n === "number" || typeof n === "string"
      ? numberProblem(n)
      : `the ${monoid.name} value is not a number but ${typeof n}`
    return problem === undefined ? undefined : new DecodeError({ reason: "number", message: `${monoid.name}: ${problem}` })
  }
  if (monoid.maxEncodedBytes === undefined && monoid.overBudget === undefined) return undefined
  let problem: string | undefined
  try {
    problem = overBudget(monoid, value)
  } catch (cause) {
    return new DecodeError({ reason: "value-size", message: `the ${monoid.name} value does not encode`, cause })
  }
  return problem === undefined ? undefined : new DecodeError({ reason: "value-size", message: `one value alone: ${problem}` })
}

/**
 * Why an event or arrival time cannot place a record in a bucket DynamoDB can store, or
 * `undefined`: it must be a number of epoch milliseconds from 1970-01-01 to 9999-12-31 UTC.
 *
 * @example
 * timeProblem(1e300, "event time")?.reason // "time"
 */
export const timeProblem = (time: unknown, what: string): DecodeError | undefined =>
  typeof time === "number" && time >= minEventTimeMs && time <= maxEventTimeMs
    ? undefined
    : new DecodeError({
      reason: "time",
      message: `${what} ${clip(String(time))} is not an epoch-ms instant from 1970-01-01 to 9999-12-31 UTC`
    })

/**
 * Why a bucket's TTL could not be stored (a retention so long that the expiry is not a number
 * DynamoDB holds), or `undefined`.
 *
 * @example
 * ttlProblem(hourly("7 days"), 480_000) // undefined
 */
export const ttlProblem = (window: Window, bucket: number): DecodeError | undefined => {
  const ttl = ttlSeconds(window, bucket)
  return ttl === undefined || Number.isSafeInteger(ttl)
    ? undefined
    : new DecodeError({ reason: "time", message: `the bucket's TTL ${clip(String(ttl))} is not a storable epoch second` })
}
