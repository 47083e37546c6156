/**
 * A law kit users run on their own monoids: identity, associativity and (where claimed)
 * commutativity, checked with fast-check over generated values.
 */
import fc from "fast-check"
import type { Monoid } from "./Monoid.js"

export type MonoidLaw = "left identity" | "right identity" | "associativity" | "commutativity"

export interface LawCheckOptions {
  /** Generated cases per law. Default 200. */
  readonly numRuns?: number
  /** Fix the seed to reproduce a failure fast-check reported. */
  readonly seed?: number
}

/** The fast-check properties for a monoid's laws, by law name (commutativity only when claimed). */
export const monoidLawProperties = <V>(
  monoid: Monoid<V>,
  values: fc.Arbitrary<V>
): ReadonlyMap<MonoidLaw, fc.IPropertyWithHooks<[V, V, V]>> => {
  const { combine, empty, equals } = monoid
  // Every law draws three values so all share one property type; unused ones cost nothing.
  const law = (holds: (a: V, b: V, c: V) => boolean) => fc.property(values, values, values, holds)
  const laws = new Map<MonoidLaw, fc.IPropertyWithHooks<[V, V, V]>>([
    ["left identity", law((a) => equals(combine(empty, a), a))],
    ["right identity", law((a) => equals(combine(a, empty), a))],
    ["associativity", law((a, b, c) => equals(combine(combine(a, b), c), combine(a, combine(b, c))))]
  ])
  if (monoid.commutative) laws.set("commutativity", law((a, b) => equals(combine(a, b), combine(b, a))))
  return laws
}

/** One law that does not hold, with fast-check's counterexample report. */
export interface LawViolation {
  readonly law: MonoidLaw
  readonly report: string
}

/**
 * Checks every law and returns the violations (empty when the monoid is lawful).
 *
 * @example
 * const violations = checkMonoidLaws(sum, fc.integer())
 * expect(violations).toEqual([])
 */
export const checkMonoidLaws = <V>(
  monoid: Monoid<V>,
  values: fc.Arbitrary<V>,
  options: LawCheckOptions = {}
): ReadonlyArray<LawViolation> => {
  const violations: Array<LawViolation> = []
  for (const [law, property] of monoidLawProperties(monoid, values)) {
    const details = fc.check(property, {
      numRuns: options.numRuns ?? 200,
      ...(options.seed === undefined ? {} : { seed: options.seed })
    })
    if (details.failed) {
      violations.push({ law, report: fc.defaultReportMessage(details) ?? `${monoid.name}: ${law} failed` })
    }
  }
  return violations
}

/** Like `checkMonoidLaws`, but throws an `Error` naming the broken laws: handy in any test runner. */
export const assertMonoidLaws = <V>(monoid: Monoid<V>, values: fc.Arbitrary<V>, options?: LawCheckOptions): void => {
  const violations = checkMonoidLaws(monoid, values, options)
  if (violations.length > 0) {
    throw new Error(
      `monoid "${monoid.name}" breaks ${violations.map((v) => v.law).join(", ")}:\n` +
        violations.map((v) => v.report).join("\n")
    )
  }
}

export {
  bloomValues,
  decayedValues,
  denseHllValues,
  edgyNumbers,
  extremumValues,
  hllValues,
  latestValues,
  stampableValues,
  topKValues
} from "./lawArbitraries.js"
