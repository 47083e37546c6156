/**
 * What DynamoDB can store in a number (`N`): at most 38 significant digits, and 0 or a magnitude
 * from 1e-130 up to (not including) 1e126. The planner rejects values outside this before any
 * commit, and the memory store refuses rows DynamoDB would refuse, so both backends agree.
 */

/** Significant digits DynamoDB keeps. */
export const maxNumberDigits = 38

const decimalText = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/**
 * The significant digits of well-formed decimal text and the power of ten of its first one
 * (`"0.0250"` → 2 digits, exponent -2), or `undefined` for zero. Read from the text rather than
 * through decimal.js, so that handlers whose monoids never make decimals do not load it.
 */
const digitsOf = (text: string): { readonly digits: number; readonly exponent: number } | undefined => {
  const [mantissa = "", power] = text.replace(/^[+-]/, "").toLowerCase().split("e")
  const [whole = "", fraction = ""] = mantissa.split(".")
  const all = whole + fraction
  const first = all.search(/[1-9]/)
  if (first < 0) return undefined
  const significant = all.slice(first).replace(/0+$/, "")
  return { digits: significant.length, exponent: whole.length - first - 1 + Number(power ?? 0) }
}

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
  const parts = digitsOf(value)
  if (parts === undefined) return undefined
  if (parts.digits > maxNumberDigits) return `"${clip(value)}" has more than ${maxNumberDigits} significant digits`
  if (parts.exponent < -130) return `"${clip(value)}" is below DynamoDB's smallest magnitude (1e-130)`
  if (parts.exponent >= 126) return `"${clip(value)}" is above DynamoDB's largest magnitude (under 1e126)`
  return undefined
}

/** At most 32 characters of a value, for messages that must not carry payloads. */
export const clip = (text: string): string => (text.length > 32 ? `${text.slice(0, 32)}…` : text)
