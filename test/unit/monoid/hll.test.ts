import { createHash } from "node:crypto"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { hll, hllEstimate, MalformedValue } from "../../../src/monoid/index.js"
import { checkMonoidLaws, denseHllValues, hllValues } from "../../../src/monoid/laws.js"
import { murmurHash64A } from "../../../src/monoid/sketch/murmurHash64A.js"
import { InvalidConfig } from "../../../src/errors.js"

const uniques = hll()
const codec = uniques.codec
if (codec.storage !== "binary") throw new Error("hll is stored as bytes")
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex")

// MurmurHash64A written with BigInt, straight from its definition, to check the 32-bit-halves version.
const M = 0xc6a4a7935bd1e995n
const MASK = (1n << 64n) - 1n
const referenceHash = (data: Uint8Array, seed: bigint): bigint => {
  let h = (seed ^ (BigInt(data.length) * M)) & MASK
  const blocks = data.length - (data.length & 7)
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n
    for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j]!)
    k = (k * M) & MASK
    k ^= k >> 47n
    k = (k * M) & MASK
    h = ((h ^ k) * M) & MASK
  }
  const tail = data.length & 7
  if (tail > 0) {
    for (let j = tail - 1; j >= 0; j--) h ^= BigInt(data[blocks + j]!) << BigInt(8 * j)
    h = (h * M) & MASK
  }
  h ^= h >> 47n
  h = (h * M) & MASK
  return h ^ (h >> 47n)
}

describe("MurmurHash64A", () => {
  it("matches a BigInt transcription for every length and byte", () => {
    const out = { hi: 0, lo: 0 }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.integer({ min: 0, max: 0xffffffff }), (data, seed) => {
        murmurHash64A(data, data.length, seed, out)
        return ((BigInt(out.hi) << 32n) | BigInt(out.lo)) === referenceHash(data, BigInt(seed))
      }),
      { numRuns: 500 }
    )
  })
})

describe("hll: Redis's HyperLogLog string", () => {
  // Captured from redis-server 7.0 (PFADD then GET) and PFCOUNT.
  it("writes the bytes Redis writes for the same elements (sparse)", () => {
    expect(hex(codec.encode(uniques.of("a", "b", "c")))).toBe("48594c4c01000000000000000000008060f38050b1844bfb80425a")
    expect(hex(codec.encode(uniques.of("héllo", "日本", "")))).toBe("48594c4c01000000000000000000008057318450c2844db8944a4e")
    expect(hllEstimate(uniques.of("a", "b", "c"))).toBe(3)
  })

  it("writes the registers Redis writes when dense, and estimates what PFCOUNT gives", () => {
    const counter = uniques.counter()
    for (let i = 0; i < 5000; i++) counter.add(`element:${i}`)
    const bytes = codec.encode(counter.toHll())
    expect(bytes.length).toBe(12_304)
    expect(bytes[4]).toBe(0)
    expect(createHash("sha256").update(bytes.subarray(16)).digest("hex"))
      .toBe("c7b33b6a8df305fc52fefcd6be40ed00a794a789e15584bf44c66e5b3be1c4c8")
    expect(counter.estimate()).toBe(5005)
  })

  it("the empty sketch is Redis's fresh key (one XZERO of 16384) and estimates 0", () => {
    expect(hex(codec.encode(uniques.empty))).toBe("48594c4c0100000000000000000000807fff")
    expect(hllEstimate(uniques.empty)).toBe(0)
  })

  it("reads any valid sparse opcode sequence, not only its own", () => {
    // Registers 1000 = 2 and 1020, 1021 = 3 written as Redis's comment does, with short XZEROs and split VALs.
    const sparse = Uint8Array.from([
      ...Buffer.from("HYLL"), 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80,
      0x40 | (999 >> 8), 999 & 0xff, // XZERO:1000
      0x80 | (1 << 2), // VAL:2,1
      18, // ZERO:19
      0x80 | (2 << 2), 0x80 | (2 << 2), // VAL:3,1 twice
      0x40 | (15361 >> 8), 15361 & 0xff // XZERO:15362
    ])
    const value = codec.decode(sparse)
    expect(value.sparse).toEqual(Uint32Array.from([(1000 << 6) | 2, (1020 << 6) | 3, (1021 << 6) | 3]))
    // Written back canonically: the two VAL:3,1 become one VAL:3,2.
    expect(codec.encode(value).length).toBe(sparse.length - 1)
  })

  it("refuses what is not a sketch of its precision", () => {
    const bad = [
      new Uint8Array(3),
      Buffer.from("HYLX\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff", "latin1"),
      Buffer.from("HYLL\x00\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff", "latin1"), // dense of the wrong length
      Buffer.from("HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xfe", "latin1"), // covers 16383 registers
      Buffer.from("HYLL\x02\0\0\0\0\0\0\0\0\0\0\x80\x7f\xff", "latin1")
    ]
    for (const bytes of bad) expect(() => codec.decode(bytes)).toThrow(MalformedValue)
    const small = hll(10)
    expect(() => (small.codec.storage === "binary" ? small.codec.decode(codec.encode(uniques.of("x"))) : null)).toThrow(MalformedValue)
  })

  it("stays sparse and under 1 KB up to 250 distinct elements; dense is 12,304 bytes", () => {
    for (let trial = 0; trial < 20; trial++) {
      const value = uniques.of(...Array.from({ length: 250 }, (_, i) => `t${trial}-${i}`))
      const bytes = codec.encode(value)
      expect(bytes[4]).toBe(1)
      expect(bytes.length).toBeLessThan(1024)
    }
  })

  it("round-trips sparse and dense values through bytes", () => {
    fc.assert(
      fc.property(fc.oneof(hllValues(uniques, 300), denseHllValues(uniques)), (value) =>
        uniques.equals(codec.decode(codec.encode(value)), value)
      ),
      { numRuns: 60 }
    )
  })

  it("counter and of() build the same sketch", () => {
    const elements = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? `ü${i}` : `u${i}`))
    const counter = uniques.counter()
    for (const e of elements) counter.add(e)
    expect(uniques.equals(counter.toHll(), uniques.of(...elements))).toBe(true)
    expect(uniques.equals(uniques.counter().merge(uniques.of("a")).add("b").toHll(), uniques.of("b", "a"))).toBe(true)
  })

  it("rejects precisions outside 4–16 with a typed error", () => {
    for (const p of [3, 17, 14.5]) expect(() => hll(p)).toThrow(InvalidConfig)
    expect(hll(4).maxEncodedBytes).toBe(16 + 12)
  })

  it("satisfies the monoid laws, sparse and dense", () => {
    expect(checkMonoidLaws(uniques, hllValues(uniques))).toEqual([])
    expect(checkMonoidLaws(uniques, fc.oneof(hllValues(uniques, 600), denseHllValues(uniques)), { numRuns: 40 })).toEqual([])
    expect(uniques.additive).toBe(true)
  })

  it("is accurate: over 50 trials per size, mean |error| ≤ 0.9 % and p99 ≤ 2.5 % (small sizes; the bench runs to 10M)", () => {
    for (const n of [10, 100, 1000, 10_000]) {
      const errors: Array<number> = []
      for (let trial = 0; trial < 50; trial++) {
        const counter = uniques.counter()
        for (let i = 0; i < n; i++) counter.add(`${trial}:${i}`)
        errors.push(Math.abs(counter.estimate() - n) / n)
      }
      errors.sort((a, b) => a - b)
      const mean = errors.reduce((a, b) => a + b, 0) / errors.length
      expect(mean, `mean error at ${n}`).toBeLessThanOrEqual(0.009)
      expect(errors[Math.ceil(0.99 * errors.length) - 1]!, `p99 error at ${n}`).toBeLessThanOrEqual(0.025)
    }
  })
})
