import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { MalformedValue, type TopK, topK } from "../../../src/monoid/index.js"
import { checkMonoidLaws, topKValues } from "../../../src/monoid/laws.js"
import { InvalidConfig } from "../../../src/errors.js"

const bytesOf = (k: number, value: TopK) => {
  const codec = topK(k).codec
  if (codec.storage !== "binary") throw new Error("topK is stored as bytes")
  return Buffer.from(codec.encode(value)).toString("hex")
}

describe("topK: Misra-Gries in the Go library's wire format", () => {
  it("golden bytes: u32 K, u32 N, then (u64 count, u32 keyLen, key) sorted by count desc, key asc", () => {
    const three = topK(3)
    const value = [three.of("b", 5), three.of("a", 5), three.of("c", 2)].reduce(three.combine, three.empty)
    expect(bytesOf(3, value)).toBe(
      "03000000" + "03000000" +
        "0500000000000000" + "01000000" + "61" +
        "0500000000000000" + "01000000" + "62" +
        "0200000000000000" + "01000000" + "63"
    )
    expect(bytesOf(10, topK(10).empty)).toBe("0a000000" + "00000000")
  })

  it("golden bytes past K: subtract the (K+1)-th count, keep counts above zero, truncate to K", () => {
    const two = topK(2)
    const value = two.fromCounts(new Map([["a", 5], ["b", 3], ["c", 2], ["d", 1]]))
    expect(value).toEqual([{ item: "a", count: 3 }, { item: "b", count: 1 }])
    expect(bytesOf(2, value)).toBe(
      "02000000" + "02000000" + "0300000000000000" + "01000000" + "61" + "0100000000000000" + "01000000" + "62"
    )
    expect(two.fromCounts(new Map([["a", 2], ["b", 2], ["c", 2]]))).toEqual([])
  })

  it("orders equal counts by UTF-8 bytes, as Go does, not by UTF-16 units", () => {
    const k = topK(3)
    const value = k.combine(k.of("😀"), k.of("\uffff"))
    expect(value.map((i) => i.item)).toEqual(["\uffff", "😀"])
    const codec = k.codec
    if (codec.storage !== "binary") throw new Error("binary")
    expect(codec.decode(codec.encode(value))).toEqual(value)
  })

  it("refuses truncated or padded bytes and a bad k", () => {
    const codec = topK(3).codec
    if (codec.storage !== "binary") throw new Error("binary")
    const good = codec.encode(topK(3).of("abc", 2))
    expect(() => codec.decode(good.subarray(0, good.length - 1))).toThrow(MalformedValue)
    expect(() => codec.decode(Uint8Array.from([...good, 0]))).toThrow(MalformedValue)
    for (const k of [0, -1, 2.5]) expect(() => topK(k)).toThrow(InvalidConfig)
  })

  it("satisfies the monoid laws while at most k distinct items are seen", () => {
    const ten = topK(10)
    expect(checkMonoidLaws(ten, topKValues(ten), { numRuns: 500 })).toEqual([])
  })

  it("past k items merging is not associative, which is why laws are checked within k (documented)", () => {
    const one = topK(1)
    const [a, b, c] = [one.of("a", 2), one.of("b"), one.of("c")]
    expect(one.combine(one.combine(a, b), c)).toEqual([])
    expect(one.combine(a, one.combine(b, c))).toEqual([{ item: "a", count: 2 }])
  })

  it("every reported count is within N/(k+1) of the truth, under any batching and merge order", () => {
    const scenario = fc.record({
      k: fc.integer({ min: 1, max: 8 }),
      // A skewed stream: small ids are frequent.
      events: fc.array(fc.integer({ min: 0, max: 400 }).map((x) => Math.floor(Math.sqrt(x))), { minLength: 1, maxLength: 400 }),
      cuts: fc.array(fc.nat(), { maxLength: 20 }),
      order: fc.array(fc.nat(), { maxLength: 40 })
    })
    fc.assert(
      fc.property(scenario, ({ k, events, cuts, order }) => {
        const monoid = topK(k)
        const truth = new Map<string, number>()
        for (const e of events) truth.set(`i${e}`, (truth.get(`i${e}`) ?? 0) + 1)
        // Batches at the random cut points, each summarised from its exact counts.
        const bounds = [0, ...cuts.map((c) => c % events.length).sort((a, b) => a - b), events.length]
        let parts: Array<TopK> = []
        for (let i = 1; i < bounds.length; i++) {
          const counts = new Map<string, number>()
          for (const e of events.slice(bounds[i - 1], bounds[i])) counts.set(`i${e}`, (counts.get(`i${e}`) ?? 0) + 1)
          parts.push(monoid.fromCounts(counts))
        }
        // Merge adjacent pairs in a random order (a random merge tree).
        let step = 0
        while (parts.length > 1) {
          const at = (order[step++ % Math.max(order.length, 1)] ?? 0) % (parts.length - 1)
          parts = [...parts.slice(0, at), monoid.combine(parts[at]!, parts[at + 1]!), ...parts.slice(at + 2)]
        }
        const bound = events.length / (k + 1)
        const reported = new Map(parts[0]!.map((i) => [i.item, i.count]))
        expect(reported.size).toBeLessThanOrEqual(k)
        for (const [item, count] of truth) {
          const seen = reported.get(item) ?? 0
          expect(seen).toBeLessThanOrEqual(count)
          expect(count - seen).toBeLessThanOrEqual(bound)
        }
      }),
      { numRuns: 300 }
    )
  })
})
