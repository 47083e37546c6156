/**
 * `decayedSum(halfLife)`: a sum whose past contributions fade by half every `halfLife`, for
 * trending. Stored in the Go Murmur library's 17-byte layout: f64 value, i64 time in Unix
 * nanoseconds, one "set" byte (all zero = unset), little-endian.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { InvalidConfig } from "../errors.js"
import type { Monoid } from "./Monoid.js"
import { MalformedValue } from "./MalformedValue.js"

/** A decayed sum as of `at` (epoch milliseconds); `null` is the unset identity. */
export type Decayed = { readonly value: number; readonly at: number } | null

const ENCODED_BYTES = 17
const NANOS_PER_MILLI = 1_000_000n

const toNanos = (ms: number): bigint => {
  const whole = Math.trunc(ms)
  return BigInt(whole) * NANOS_PER_MILLI + BigInt(Math.round((ms - whole) * 1e6))
}

const fromNanos = (ns: bigint): number => Number(ns / NANOS_PER_MILLI) + Number(ns % NANOS_PER_MILLI) / 1e6

/** The decayed-sum monoid, with helpers to build and read its values. */
export interface DecayedSumMonoid extends Monoid<Decayed> {
  readonly halfLifeMs: number
  /** `amount` observed at `atMs` (epoch milliseconds): a value extractor's delta. */
  readonly of: (amount: number, atMs: number) => Decayed
  /** The value as of `nowMs`: value · 2^(−(now − at) / halfLife); 0 when unset. */
  readonly valueAt: (value: Decayed, nowMs: number) => number
  /** The value as of the `Clock`'s now (what a query reports). */
  readonly valueNow: (value: Decayed) => Effect.Effect<number>
}

/**
 * A time-decayed sum for "trending": combining decays the older operand to the newer one's time
 * (value · 2^(−Δt / halfLife)) and adds. Commutative; associative up to floating-point rounding
 * (the law kit checks it with a relative tolerance).
 *
 * @throws InvalidConfig when halfLife is not a positive, finite duration.
 * @example
 * const trending = decayedSum("1 hour")
 * const score = trending.combine(trending.of(1, 0), trending.of(1, 3_600_000))
 * trending.valueAt(score, 3_600_000) // 1.5
 */
export const decayedSum = (halfLife: Duration.DurationInput): DecayedSumMonoid => {
  const decoded = Duration.decodeUnknown(halfLife)
  const halfLifeMs = decoded._tag === "Some" ? Duration.toMillis(decoded.value) : NaN
  if (!(halfLifeMs > 0 && Number.isFinite(halfLifeMs))) {
    throw new InvalidConfig({ field: "halfLife", message: `decayedSum halfLife must be a positive, finite duration, got ${String(halfLife)}` })
  }
  const name = `decayedSum(${Duration.format(Duration.millis(halfLifeMs))})`
  const decay = (value: number, fromMs: number, toMs: number) => value * Math.pow(2, -(toMs - fromMs) / halfLifeMs)
  const valueAt = (value: Decayed, nowMs: number) => (value === null ? 0 : decay(value.value, value.at, nowMs))
  return {
    kind: "decayedSum",
    name,
    halfLifeMs,
    empty: null,
    combine: (left, right) => {
      if (left === null) return right
      if (right === null) return left
      if (left.at === right.at) return { value: left.value + right.value, at: left.at }
      const [older, newer] = left.at < right.at ? [left, right] : [right, left]
      return { value: newer.value + decay(older.value, older.at, newer.at), at: newer.at }
    },
    commutative: true,
    additive: true,
    nativeAdd: false,
    equals: (left, right) =>
      left === right || (left !== null && right !== null && Object.is(left.value, right.value) && left.at === right.at),
    codec: {
      storage: "binary",
      encode: (value) => {
        const out = new Uint8Array(ENCODED_BYTES)
        if (value === null) return out
        const view = new DataView(out.buffer)
        view.setFloat64(0, value.value, true)
        view.setBigInt64(8, toNanos(value.at), true)
        out[16] = 1
        return out
      },
      decode: (bytes) => {
        if (bytes.length !== ENCODED_BYTES) {
          throw new MalformedValue({ monoid: name, message: `a decayed sum takes ${ENCODED_BYTES} bytes, got ${bytes.length}` })
        }
        if (bytes[16] === 0) return null
        const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
        return { value: view.getFloat64(0, true), at: fromNanos(view.getBigInt64(8, true)) }
      }
    },
    maxEncodedBytes: ENCODED_BYTES,
    of: (amount, atMs) => ({ value: amount, at: atMs }),
    valueAt,
    valueNow: (value) => Effect.map(Clock.currentTimeMillis, (now) => valueAt(value, now))
  }
}
