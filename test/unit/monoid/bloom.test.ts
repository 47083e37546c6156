import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { bloom, bloomContains, MalformedValue } from "../../../src/monoid/index.js"
import { bloomValues, checkMonoidLaws } from "../../../src/monoid/laws.js"
import { InvalidConfig } from "../../../src/errors.js"

const seen = bloom()
const codec = seen.codec
if (codec.storage !== "binary") throw new Error("bloom is stored as bytes")

const filled = (count: number, prefix: string) => {
  let value = seen.empty
  for (let from = 0; from < count; from += 10_000) {
    value = seen.combine(value, seen.of(...Array.from({ length: Math.min(10_000, count - from) }, (_, i) => `${prefix}${from + i}`)))
  }
  return value
}

describe("bloom", () => {
  it("sizes 100,000 at 1 % as 958,506 bits and 7 hashes", () => {
    expect([seen.bits, seen.hashes]).toEqual([958_506, 7])
    expect(seen.maxEncodedBytes).toBe(12 + 119_814)
  })

  it("has no false negatives", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 50 }), fc.array(fc.string(), { maxLength: 50 }), (a, b) => {
        const value = seen.combine(seen.of(...a), seen.of(...b))
        return [...a, ...b].every((e) => bloomContains(value, e))
      })
    )
    expect(bloomContains(seen.empty, "x")).toBe(false)
  })

  it("at capacity, the measured false-positive rate is at most 1.2 × the target", () => {
    const value = filled(100_000, "member-")
    let falsePositives = 0
    const probes = 200_000
    for (let i = 0; i < probes; i++) if (bloomContains(value, `stranger-${i}`)) falsePositives++
    expect(falsePositives / probes).toBeLessThanOrEqual(0.012)
    expect(codec.encode(value).length).toBe(119_826)
    expect(bloomContains(codec.decode(codec.encode(value)), "member-99999")).toBe(true)
  })

  it("format: header MBLM, version, encoding, k, m; sparse (varint deltas) while shorter than dense", () => {
    expect(Buffer.from(codec.encode(seen.empty)).toString("hex")).toBe("4d424c4d" + "01" + "01" + "0700" + "2aa00e00")
    const one = codec.encode(seen.of("alice"))
    expect(one[5]).toBe(1)
    expect(one.length).toBeLessThanOrEqual(12 + 7 * 3)
    const many = codec.encode(filled(20_000, "m"))
    expect(many[5]).toBe(0)
  })

  it("round-trips values through bytes, and refuses other shapes or garbage", () => {
    fc.assert(fc.property(bloomValues(seen, 60), (value) => seen.equals(codec.decode(codec.encode(value)), value)))
    const other = bloom(1000, 0.01)
    const otherCodec = other.codec
    if (otherCodec.storage !== "binary") throw new Error("binary")
    expect(() => codec.decode(otherCodec.encode(other.of("x")))).toThrow(MalformedValue)
    expect(() => codec.decode(new Uint8Array(5))).toThrow(MalformedValue)
    const truncated = codec.encode(seen.of("x")).slice(0, -1)
    truncated[truncated.length - 1]! |= 0x80
    expect(() => codec.decode(truncated)).toThrow(MalformedValue)
  })

  it("rejects a capacity or rate it cannot hold, with a typed error", () => {
    expect(() => bloom(0)).toThrow(InvalidConfig)
    expect(() => bloom(100, 1)).toThrow(InvalidConfig)
    expect(() => bloom(10_000_000, 0.01)).toThrow(InvalidConfig) // 11 MB: more than a row holds
  })

  it("satisfies the monoid laws", () => {
    expect(checkMonoidLaws(seen, bloomValues(seen))).toEqual([])
    const tiny = bloom(50, 0.1) // goes dense after a few elements
    expect(checkMonoidLaws(tiny, bloomValues(tiny, 40))).toEqual([])
  })
})
