/**
 * Kinesis sequence numbers: decimal strings of up to 128 digits, too long for a number. Compared
 * here, and padded here for DynamoDB, which compares strings.
 */

/** Width of a padded sequence number: 130 digits covers any Kinesis sequence number. */
export const sequenceWidth = 130

/**
 * A sequence number zero-padded to `sequenceWidth`, so string order is numeric order (as DynamoDB
 * compares a condition's strings).
 *
 * @example
 * padSequence("42").length // 130
 */
export const padSequence = (sequence: string): string => sequence.padStart(sequenceWidth, "0")

/**
 * A padded sequence number as Kinesis wrote it: leading zeros removed (a lone `"0"` stays).
 *
 * @example
 * unpadSequence(padSequence("42")) // "42"
 */
export const unpadSequence = (padded: string): string =>
  padded.charCodeAt(0) === 48 ? padded.slice(firstSignificant(padded)) : padded

// Index of the first significant digit (a lone "0" keeps its zero).
const firstSignificant = (digits: string): number => {
  let i = 0
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++
  return i
}

/**
 * Numeric comparison of two sequence numbers, padded or not, without building padded copies:
 * more significant digits is larger, equal lengths compare digit by digit. Negative, zero or
 * positive, as `Array.prototype.sort` wants.
 *
 * @example
 * compareSequence("9", "10") // -1
 * compareSequence("0042", "42") // 0
 */
export const compareSequence = (left: string, right: string): number => {
  // The common case (same shard, no padding): equal lengths and no leading zero compare natively.
  if (left.length === right.length && left.charCodeAt(0) !== 48 && right.charCodeAt(0) !== 48) {
    return left === right ? 0 : left < right ? -1 : 1
  }
  const l = firstSignificant(left)
  const r = firstSignificant(right)
  const length = left.length - l
  if (length !== right.length - r) return length < right.length - r ? -1 : 1
  for (let k = 0; k < length; k++) {
    const a = left.charCodeAt(l + k)
    const b = right.charCodeAt(r + k)
    if (a !== b) return a < b ? -1 : 1
  }
  return 0
}

const digitsOnly = /^\d{1,128}$/

/**
 * Whether `text` can be a Kinesis sequence number: 1 to 128 decimal digits.
 *
 * @example
 * isSequenceNumber("49590338271490256608559692538361571095921575989136588898") // true
 * isSequenceNumber("12a") // false
 */
export const isSequenceNumber = (text: unknown): text is string => typeof text === "string" && digitsOnly.test(text)
