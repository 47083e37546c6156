import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { count, custom, first, last, max, min, set, setOf, stamped, sum } from "../../../src/monoid/index.js"
import { checkMonoidLaws, extremumValues, latestValues } from "../../../src/monoid/laws.js"

const integers = fc.integer({ min: -1_000_000, max: 1_000_000 })
const extremum = fc.option(integers, { nil: null })
const sets = fc.array(fc.string({ maxLength: 4 }), { maxLength: 6 }).map((members) => setOf(...members))

describe("built-in monoids satisfy their laws", () => {
  it.each([
    ["sum", () => checkMonoidLaws(sum, integers)],
    ["count", () => checkMonoidLaws(count, fc.nat({ max: 1_000 }))],
    ["min", () => checkMonoidLaws(min, extremumValues)],
    ["max", () => checkMonoidLaws(max, extremumValues)],
    ["first", () => checkMonoidLaws(first(), latestValues, { numRuns: 1000 })],
    ["last", () => checkMonoidLaws(last(), latestValues, { numRuns: 1000 })],
    ["set", () => checkMonoidLaws(set, sets)]
  ])("%s", (_name, check) => {
    expect(check()).toEqual([])
  })
})

describe("the law kit catches broken monoids", () => {
  it("reports a wrong identity", () => {
    const offByOne = custom<number>({ name: "off-by-one", empty: 1, combine: (a, b) => a + b, commutative: true })
    const laws = checkMonoidLaws(offByOne, integers, { seed: 1 }).map((v) => v.law)
    expect(laws).toEqual(["left identity", "right identity"])
  })

  it("reports non-associativity", () => {
    const minus = custom<number>({ name: "minus", empty: 0, combine: (a, b) => a - b })
    const laws = checkMonoidLaws(minus, integers, { seed: 1 }).map((v) => v.law)
    expect(laws).toContain("associativity")
  })

  it("checks commutativity only when the monoid claims it", () => {
    const concat = (commutative: boolean) =>
      custom<string>({ name: "concat", empty: "", combine: (a, b) => a + b, commutative })
    const text = fc.string({ minLength: 1, maxLength: 3 })
    expect(checkMonoidLaws(concat(false), text, { seed: 1 })).toEqual([])
    expect(checkMonoidLaws(concat(true), text, { seed: 1 }).map((v) => v.law)).toEqual(["commutativity"])
  })
})

describe("first and last", () => {
  it("keep the earliest and latest by time", () => {
    const a = stamped(1, "a")
    const b = stamped(2, "b")
    expect(first<string>().combine(b, a)).toEqual(a)
    expect(last<string>().combine(a, b)).toEqual(b)
  })

  it("break ties on time the same way whatever the order", () => {
    const x = stamped(5, "x")
    const y = stamped(5, "y")
    expect(first<string>().combine(x, y)).toEqual(first<string>().combine(y, x))
    expect(first<string>().combine(x, y)).toEqual(x)
    expect(last<string>().combine(x, y)).toEqual(y)
  })

  it("order undefined and null values totally (issue #12: the winner never depends on order)", () => {
    const none = stamped<unknown>(1000, undefined)
    const x = stamped<unknown>(1000, "x")
    const nil = stamped<unknown>(1000, null)
    for (const m of [first<unknown>(), last<unknown>()]) {
      expect(m.combine(none, x)).toBe(m.combine(x, none))
      expect(m.combine(none, nil)).toBe(m.combine(nil, none))
    }
    expect(first<unknown>().combine(x, none)).toBe(none)
    expect(last<unknown>().combine(none, x)).toBe(x)
    expect(first<unknown>().equals(none, x)).toBe(false)
  })

  it("order NaN times before every time", () => {
    const odd = stamped(NaN, "a")
    const one = stamped(1, "b")
    expect(first<string>().combine(one, odd)).toBe(odd)
    expect(first<string>().combine(odd, one)).toBe(odd)
    expect(last<string>().combine(odd, one)).toBe(one)
  })

  it("treat null as unset", () => {
    expect(first<string>().combine(null, stamped(3, "z"))).toEqual(stamped(3, "z"))
    expect(min.combine(null, null)).toBeNull()
    expect(max.combine(null, -4)).toBe(-4)
  })
})

describe("codecs round-trip", () => {
  it("sets, stamps and numbers survive encoding", () => {
    const s = setOf("b", "a", "b")
    expect(s).toEqual(["a", "b"])
    if (set.codec.storage !== "binary") throw new Error("set is stored as bytes")
    expect(set.codec.decode(set.codec.encode(s))).toEqual(s)
    const f = first<{ n: number }>()
    if (f.codec.storage !== "binary") throw new Error("first is stored as bytes")
    expect(f.codec.decode(f.codec.encode(stamped(7, { n: 1 })))).toEqual(stamped(7, { n: 1 }))
    if (min.codec.storage !== "number") throw new Error("min is stored as a number")
    expect(min.codec.encode(null)).toBeUndefined()
    expect(min.codec.encode(-3)).toBe(-3)
  })
})

describe("coalescing", () => {
  it("every lawful built-in allows it; custom monoids opt in", () => {
    for (const monoid of [sum, count, min, max, first(), last(), set]) expect(monoid.additive, monoid.name).toBe(true)
    expect(custom<number>({ name: "c", empty: 0, combine: (a, b) => a + b }).additive).toBe(false)
  })

  it("pre-combining a row's deltas in order gives what applying them one by one gives", () => {
    const deltas = fc.array(extremum, { maxLength: 20 })
    fc.assert(
      fc.property(extremum, deltas, (stored, batch) => {
        const oneByOne = batch.reduce(max.combine, stored)
        const coalesced = max.combine(stored, batch.reduce(max.combine, max.empty))
        return max.equals(oneByOne, coalesced)
      })
    )
  })
})
