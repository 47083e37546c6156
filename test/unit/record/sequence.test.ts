import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { compareSequence, isSequenceNumber, padSequence, sequenceWidth, unpadSequence } from "../../../src/record/index.js"

// Kinesis sequence numbers: decimal strings of up to 128 digits.
const sequences = fc.bigInt({ min: 0n, max: 10n ** 128n - 1n })

describe("sequence numbers", () => {
  it("compare as the numbers they are, padded or not", () => {
    fc.assert(
      fc.property(sequences, sequences, fc.boolean(), fc.boolean(), (a, b, padA, padB) => {
        const left = padA ? padSequence(a.toString()) : a.toString()
        const right = padB ? padSequence(b.toString()) : b.toString()
        expect(compareSequence(left, right)).toBe(a < b ? -1 : a > b ? 1 : 0)
      }),
      { numRuns: 2_000 }
    )
  })

  it("pad to a fixed width whose string order is the numeric order (as DynamoDB compares them)", () => {
    fc.assert(
      fc.property(sequences, sequences, (a, b) => {
        const left = padSequence(a.toString())
        const right = padSequence(b.toString())
        expect(left).toHaveLength(sequenceWidth)
        expect(left < right).toBe(a < b)
      })
    )
  })

  it("handle zero and equal values", () => {
    expect(compareSequence("0", "000")).toBe(0)
    expect(compareSequence("49590338271490256608559692538361571095921575989136588898", "49590338271490256608559692538361571095921575989136588898")).toBe(0)
    expect(compareSequence("9", "10")).toBe(-1)
  })
})

describe("padded sequence numbers", () => {
  it("unpad to what Kinesis wrote", () => {
    fc.assert(fc.property(sequences, (a) => unpadSequence(padSequence(a.toString())) === a.toString()))
    expect(unpadSequence("000")).toBe("0")
  })

  it("are recognised: 1 to 128 digits", () => {
    expect(isSequenceNumber("49590338271490256608559692538361571095921575989136588898")).toBe(true)
    expect(isSequenceNumber("12a")).toBe(false)
    expect(isSequenceNumber("")).toBe(false)
    expect(isSequenceNumber("1".repeat(129))).toBe(false)
  })
})
