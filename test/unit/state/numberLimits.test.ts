import { Decimal } from "decimal.js"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { maxNumberDigits, numberProblem } from "../../../src/state/numberLimits.js"

// The reference: what decimal.js says of the same text (the check itself reads the digits from
// the text, so that count-only handlers never load decimal.js).
const Exact = Decimal.clone({ precision: 1000 })
const reference = (text: string): "ok" | "digits" | "small" | "large" => {
  const exact = new Exact(text)
  if (exact.isZero()) return "ok"
  if (exact.sd() > maxNumberDigits) return "digits"
  if (exact.abs().lt("1e-130")) return "small"
  return exact.abs().gte("1e126") ? "large" : "ok"
}
const verdict = (text: string) => {
  const problem = numberProblem(text)
  if (problem === undefined) return "ok"
  return problem.includes("significant digits") ? "digits" : problem.includes("smallest") ? "small" : "large"
}

const decimalTexts = fc
  .record({
    sign: fc.constantFrom("", "-", "+"),
    lead: fc.stringMatching(/^0{0,3}$/),
    whole: fc.stringMatching(/^\d{0,45}$/),
    point: fc.boolean(),
    fraction: fc.stringMatching(/^\d{0,45}$/),
    exponent: fc.option(fc.integer({ min: -200, max: 200 }), { nil: undefined }),
    upper: fc.boolean()
  })
  .map(({ exponent, fraction, lead, point, sign, upper, whole }) => {
    const digits = lead + whole
    const mantissa = point ? `${digits || "0"}.${fraction}` : digits || "0"
    return `${sign}${mantissa}${exponent === undefined ? "" : `${upper ? "E" : "e"}${exponent}`}`
  })

describe("numberProblem on decimal text", () => {
  it("agrees with decimal.js on digits and magnitude", () => {
    fc.assert(fc.property(decimalTexts, (text) => verdict(text) === reference(text)), { numRuns: 2000 })
  })

  it("places the limits exactly", () => {
    expect(numberProblem("1e-130")).toBeUndefined()
    expect(numberProblem("0.999e-130")).toMatch(/smallest/)
    expect(numberProblem("9.99e125")).toBeUndefined()
    expect(numberProblem("10e125")).toMatch(/largest/)
    expect(numberProblem("1".repeat(38) + "000")).toBeUndefined()
    expect(numberProblem("1".repeat(39))).toMatch(/significant digits/)
    expect(numberProblem("-0.000")).toBeUndefined()
    expect(numberProblem("1.2.3")).toMatch(/not a decimal number/)
  })
})
