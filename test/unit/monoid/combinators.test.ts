import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  count,
  hll,
  hllEstimate,
  last,
  mapOf,
  MalformedValue,
  max,
  type Monoid,
  set,
  setOf,
  stamped,
  sum,
  topK,
  tuple
} from "../../../src/monoid/index.js"
import { checkMonoidLaws, extremumValues, hllValues, latestValues, topKValues } from "../../../src/monoid/laws.js"

const binary = <V>(monoid: Monoid<V>) => {
  if (monoid.codec.storage !== "binary") throw new Error(`${monoid.name} is stored as bytes`)
  return monoid.codec
}

const keys = fc.constantFrom("a", "b", "c", "é", "😀")
const mapsOf = <V>(values: fc.Arbitrary<V>) =>
  fc.array(fc.tuple(keys, values), { maxLength: 4 }).map((entries) => new Map(entries))

describe("mapOf", () => {
  it("merges key by key with the inner monoid", () => {
    const perCountry = mapOf(sum)
    const merged = perCountry.combine(new Map([["fr", 1]]), new Map([["fr", 2], ["de", 1]]))
    expect([...merged]).toEqual([["fr", 3], ["de", 1]])
  })

  it("is lawful whenever its inner monoid is (sum, max with NaN, last with undefined, hll)", () => {
    const uniques = hll()
    expect(checkMonoidLaws(mapOf(sum), mapsOf(fc.integer({ min: -100, max: 100 })))).toEqual([])
    expect(checkMonoidLaws(mapOf(max), mapsOf(extremumValues))).toEqual([])
    expect(checkMonoidLaws(mapOf(last()), mapsOf(latestValues))).toEqual([])
    expect(checkMonoidLaws(mapOf(uniques), mapsOf(hllValues(uniques, 10)), { numRuns: 100 })).toEqual([])
    expect(mapOf(last()).commutative && mapOf(sum).additive).toBe(true)
  })

  it("encodes canonically (keys in code-point order) and round-trips", () => {
    const m = mapOf(max)
    const codec = binary(m)
    const a = codec.encode(new Map([["b", 1], ["a", null]]))
    const b = codec.encode(new Map([["a", null], ["b", 1]]))
    expect(a).toEqual(b)
    fc.assert(fc.property(mapsOf(extremumValues), (value) => m.equals(codec.decode(codec.encode(value)), value)))
    expect(() => codec.decode(a.subarray(0, 5))).toThrow(MalformedValue)
  })

  it("keeps an exact sum's every digit inside the map", () => {
    const perKey = mapOf(sum)
    const codec = binary(perKey)
    const exact = perKey.combine(new Map([["k", 0.1]]), new Map([["k", 0.2]]))
    expect(codec.decode(codec.encode(exact)).get("k")).toEqual(exact.get("k"))
    const huge = perKey.combine(new Map([["k", "12345678901234567890123"]]), new Map([["k", 1]]))
    expect(codec.decode(codec.encode(huge)).get("k")).toBe("12345678901234567890124")
  })
})

describe("tuple", () => {
  it("combines component by component", () => {
    const countAndMax = tuple(count, max)
    expect(countAndMax.combine([1, 5], [1, 9])).toEqual([2, 9])
    expect(countAndMax.empty).toEqual([0, null])
  })

  it("is lawful whenever its parts are, and commutative only if all are", () => {
    const pages = topK(5)
    const uniques = hll()
    const mixed = tuple(sum, max, pages, uniques)
    const values = fc.tuple(fc.integer({ min: -50, max: 50 }), extremumValues, topKValues(pages), hllValues(uniques, 10))
    expect(checkMonoidLaws(mixed, values, { numRuns: 100 })).toEqual([])
    expect(mixed.commutative).toBe(true)
    expect(mixed.maxEncodedBytes).toBe(4 + 49 + 4 + 49 + 4 + pages.maxEncodedBytes! + 4 + 12_304)
  })

  it("round-trips through bytes and reads its parts back", () => {
    const uniques = hll()
    const both = tuple(set, uniques, last<string>())
    const codec = binary(both)
    const value = both.combine([setOf("x"), uniques.of("u1", "u2"), stamped(1, "a")], [setOf("y"), uniques.of("u2"), null])
    const back = codec.decode(codec.encode(value))
    expect(both.equals(back, value)).toBe(true)
    expect(back[0]).toEqual(["x", "y"])
    expect(hllEstimate(back[1])).toBe(2)
    expect(() => codec.decode(codec.encode(value).subarray(1))).toThrow(MalformedValue)
  })
})
