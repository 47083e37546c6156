/**
 * The exact decimal `sum`, in its own module so that handlers that only count never load
 * decimal.js (32 KiB minified): `numeric.ts` re-exports it, and a bundler drops this module
 * when `sum` is not used.
 */
import { Decimal } from "decimal.js"
import type { Monoid, ValueCodec } from "./Monoid.js"
import { numberBytes, sameNumber } from "./numberBasics.js"

/**
 * A sum's value: a number, or the decimal text of one a double cannot hold exactly (an integer
 * past 2^53, or more than 17 significant digits). Producers send such values as strings, e.g.
 * `"12345678901234567890123"`. Sums return a number whenever the exact result is one.
 */
export type DecimalValue = number | string

// Enough digits to add any values DynamoDB can store (1e-130 to under 1e126, and the carries of
// many of them) without rounding; DynamoDB itself keeps 38 significant digits.
const Exact = Decimal.clone({ precision: 1000, toExpNeg: -7, toExpPos: 40 })

// A number when the exact result is one (shortest decimal text, as JSON writes it), else its text.
const fromExact = (exact: Decimal): DecimalValue => {
  const n = exact.toNumber()
  return Number.isFinite(n) && new Exact(n).eq(exact) ? n : exact.toString()
}

// The common case adds two integers whose exact sum is a safe integer: plain arithmetic is exact
// there (the rounded sum of two doubles is exact when the exact sum is representable), so no
// Decimal is made. Fractions, huge numbers and strings are added as exact decimals.
const addExact = (left: DecimalValue, right: DecimalValue): DecimalValue => {
  if (typeof left === "number" && typeof right === "number") {
    const total = left + right
    if (Number.isSafeInteger(total) && Number.isInteger(left) && Number.isInteger(right)) return total
    if (!Number.isFinite(left) || !Number.isFinite(right)) return total
  }
  return fromExact(new Exact(left).plus(right))
}

const sameDecimal = (left: DecimalValue, right: DecimalValue): boolean => {
  if (typeof left === "number" && typeof right === "number") return sameNumber(left, right)
  try {
    return new Exact(left).eq(right)
  } catch {
    return left === right
  }
}

const decimalCodec: ValueCodec<DecimalValue> = {
  storage: "number",
  encode: (value) => value,
  // DynamoDB and Redis hand back text: a number when it reads back the same, else exact.
  decode: (stored) => {
    if (typeof stored === "number") return stored
    const n = Number(stored)
    return String(n) === stored ? n : fromExact(new Exact(stored))
  }
}

/**
 * Sum of exact decimals, as DynamoDB adds them (38 significant digits): `0.1 + 0.2` is `0.3`
 * however the records were batched, and integers past 2^53 stay exact when sent as strings.
 * Stored as `N` and applied with DynamoDB `ADD`, so it coalesces. Safe integers add as plain
 * numbers (no decimal object is made); fractions, huge values and strings add as exact decimals.
 * The processor rejects values DynamoDB cannot store (not finite, more than 38 digits, magnitude
 * outside 1e-130 to under 1e126) before any commit.
 *
 * @example
 * sum.combine(2, 3) // 5
 * sum.combine(0.1, 0.2) // 0.3
 * sum.combine("9007199254740993", 1) // "9007199254740994"
 */
export const sum: Monoid<DecimalValue> = {
  kind: "sum",
  name: "sum",
  empty: 0,
  combine: addExact,
  commutative: true,
  additive: true,
  nativeAdd: true,
  equals: sameDecimal,
  codec: decimalCodec,
  maxEncodedBytes: numberBytes
}
