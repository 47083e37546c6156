/**
 * What DynamoDB can store in a number (`N`): at most 38 significant digits, and 0 or a magnitude
 * from 1e-130 up to (not including) 1e126. The planner rejects values outside this before any
 * commit, and the memory store refuses rows DynamoDB would refuse, so both backends agree.
 */
import { Decimal } from "decimal.js"

/** Significant digits DynamoDB keeps. */
export const maxNumberDigits = 38

const decimalText = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i
const Exact = Decimal.clone({ precision: 1000 })
const smallest = new Exact("1e-130")
const tooLarge = new Exact("1e126")

/**
 * Why DynamoDB could not store this number (or decimal text), or `undefined` when it can.
 * Safe integers (the common case) are answered without parsing.
 *
 * @example
 * numberProblem(1e400) // "Infinity is not a finite number"
 * numberProblem("12345678901234567890") // undefined
 */
export const numberProblem = (value: number | string): string | undefined => {
  if (typeof value === "number") {
    if (Number.isSafeInteger(value)) return undefined
    if (!Number.isFinite(value)) return `${value} is not a finite number`
    const magnitude = Math.abs(value)
    if (magnitude === 0 || (magnitude >= 1e-130 && magnitude < 1e126)) return undefined
    return magnitude < 1e-130
      ? `${value} is below DynamoDB's smallest magnitude (1e-130)`
      : `${value} is above DynamoDB's largest magnitude (under 1e126)`
  }
  if (!decimalText.test(value)) return `"${clip(value)}" is not a decimal number`
  const exact = new Exact(value)
  if (exact.isZero()) return undefined
  if (exact.sd() > maxNumberDigits) return `"${clip(value)}" has more than ${maxNumberDigits} significant digits`
  const magnitude = exact.abs()
  if (magnitude.lt(smallest)) return `"${clip(value)}" is below DynamoDB's smallest magnitude (1e-130)`
  if (magnitude.gte(tooLarge)) return `"${clip(value)}" is above DynamoDB's largest magnitude (under 1e126)`
  return undefined
}

/** At most 32 characters of a value, for messages that must not carry payloads. */
export const clip = (text: string): string => (text.length > 32 ? `${text.slice(0, 32)}…` : text)
