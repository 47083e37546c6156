import { describe, expect, it } from "vitest"
import {
  bloom,
  boundedSet,
  count,
  decayedSum,
  dynamoItemLimitBytes,
  encodedBytes,
  first,
  hll,
  mapOf,
  max,
  overBudget,
  set,
  setOf,
  stamped,
  sum,
  topK,
  tuple
} from "../../../src/monoid/index.js"

describe("row-size budgets", () => {
  it("every bounded built-in declares a worst case under DynamoDB's item limit", () => {
    const bounded = [sum, count, max, set, hll(), topK(), bloom(), decayedSum("1 hour"), tuple(sum, hll())]
    for (const monoid of bounded) {
      expect(monoid.maxEncodedBytes, monoid.name).toBeGreaterThan(0)
      expect(monoid.maxEncodedBytes!, monoid.name).toBeLessThan(dynamoItemLimitBytes)
    }
    expect(sum.maxEncodedBytes).toBe(21)
    expect(hll().maxEncodedBytes).toBe(12_304)
    expect(bloom().maxEncodedBytes).toBe(119_826)
    expect(decayedSum("1 hour").maxEncodedBytes).toBe(17)
    expect(first().maxEncodedBytes).toBeUndefined()
  })

  it("a set refuses growth past its member and byte limits; the default stays under 400 KB", () => {
    const small = boundedSet({ maxMembers: 2, maxBytes: 12 })
    expect(overBudget(small, setOf("a", "b"))).toBeUndefined()
    expect(overBudget(small, setOf("a", "b", "c"))).toBe("set has 3 members; at most 2 allowed")
    expect(overBudget(small, setOf("abcdef", "g"))).toMatch(/takes 14 bytes; at most 12 allowed/)
    const members = Array.from({ length: 10_001 }, (_, i) => `m${i}`)
    expect(overBudget(set, setOf(...members))).toMatch(/at most 10000/)
    expect(set.maxEncodedBytes).toBeLessThanOrEqual(dynamoItemLimitBytes - 100 * 1024)
  })

  it("measures encoded bytes, numbers as DynamoDB sizes them", () => {
    expect(encodedBytes(set, setOf("a", "b"))).toBe(9)
    expect(encodedBytes(sum, 12345)).toBe(4)
    expect(encodedBytes(max, null)).toBe(0)
    expect(encodedBytes(first<string>(), stamped(1, "x"))).toBe('{"at":1,"value":"x"}'.length)
  })

  it("a map checks its key count and its values' own budgets", () => {
    const perPage = mapOf(boundedSet({ maxMembers: 1 }), { maxKeys: 2 })
    expect(overBudget(perPage, new Map([["a", setOf("x")], ["b", setOf("y")]]))).toBeUndefined()
    expect(overBudget(perPage, new Map([["a", setOf("x")], ["b", setOf("y")], ["c", setOf()]]))).toMatch(/3 keys/)
    expect(overBudget(perPage, new Map([["a", setOf("x", "y")]]))).toMatch(/2 members/)
  })
})
