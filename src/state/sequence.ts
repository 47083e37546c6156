/**
 * Kinesis sequence numbers are decimal strings of up to 128 digits. Padded to a fixed width, they
 * compare as strings in numeric order, which is how DynamoDB compares them in a condition.
 */
export const sequenceWidth = 130

export const padSequence = (sequence: string): string => sequence.padStart(sequenceWidth, "0")

/** Numeric comparison of two (unpadded or padded) sequence numbers. */
export const compareSequence = (left: string, right: string): number => {
  const l = padSequence(left)
  const r = padSequence(right)
  return l < r ? -1 : l > r ? 1 : 0
}
