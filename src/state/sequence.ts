/**
 * Kinesis sequence numbers are decimal strings of up to 128 digits. Padded to a fixed width, they
 * compare as strings in numeric order, which is how DynamoDB compares them in a condition.
 */
export const sequenceWidth = 130

export const padSequence = (sequence: string): string => sequence.padStart(sequenceWidth, "0")

// Index of the first significant digit (a lone "0" keeps its zero).
const firstSignificant = (digits: string): number => {
  let i = 0
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++
  return i
}

/**
 * Numeric comparison of two (unpadded or padded) sequence numbers, without building padded copies:
 * more significant digits is larger, equal lengths compare digit by digit.
 */
export const compareSequence = (left: string, right: string): number => {
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
