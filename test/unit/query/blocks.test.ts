import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { blockRange, blocksContaining, coverRange, foldBlocks, maxBlockLevel } from "../../../src/state/blocks.js"
import { joined } from "./rangeScenario.js"

const span = fc
  .record({ lo: fc.integer({ min: -2_000, max: 30_000_000 }), length: fc.integer({ min: 1, max: 3_000 }) })
  .map(({ length, lo }) => ({ lo, hi: lo + length - 1 }))

describe("aligned blocks of buckets", () => {
  it("coverRange tiles a range exactly, in order, with aligned blocks, about 2·log2(length) of them", () => {
    fc.assert(fc.property(span, (range) => {
      const cover = coverRange(range)
      let next = range.lo
      for (const block of cover) {
        const { hi, lo } = blockRange(block)
        expect(lo).toBe(next)
        expect(block.level).toBeLessThanOrEqual(maxBlockLevel)
        next = hi + 1
      }
      expect(next).toBe(range.hi + 1)
      expect(cover.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(range.hi - range.lo + 2)) + 1)
    }))
    expect(coverRange({ lo: 5, hi: 12 })).toEqual([
      { level: 0, index: 5 },
      { level: 1, index: 3 },
      { level: 2, index: 2 },
      { level: 0, index: 12 }
    ])
  })

  it("foldBlocks gives every aligned block inside the span the ordered fold of its rows, expiring with its first row", () => {
    const rows = fc.uniqueArray(fc.record({ offset: fc.nat(300), ttl: fc.option(fc.integer({ min: -5, max: 9_000 }), { nil: undefined }) }), {
      selector: (r) => r.offset
    })
    const shortSpan = span.map(({ lo, hi }) => ({ lo, hi: Math.min(hi, lo + 299) }))
    fc.assert(fc.property(shortSpan, rows, (range, picked) => {
      const stored = picked
        .filter((r) => range.lo + r.offset <= range.hi)
        .map((r) => ({ bucket: range.lo + r.offset, value: `${range.lo + r.offset};`, ttl: r.ttl }))
        .sort((a, b) => a.bucket - b.bucket)
      const folded = foldBlocks(joined, range, stored, 5_000_000)
      const ids = new Set(folded.map(({ block }) => `${block.level}:${block.index}`))
      for (const block of coverRange(range)) expect(ids.has(`${block.level}:${block.index}`)).toBe(true)
      for (const { block, expiresAtMs, value } of folded) {
        const { hi, lo } = blockRange(block)
        expect(lo).toBeGreaterThanOrEqual(range.lo)
        expect(hi).toBeLessThanOrEqual(range.hi)
        const inside = stored.filter((r) => r.bucket >= lo && r.bucket <= hi)
        expect(value).toBe(inside.map((r) => r.value).join(""))
        const ttls = inside.flatMap((r) => (r.ttl !== undefined && r.ttl > 0 ? [r.ttl * 1000] : []))
        expect(expiresAtMs).toBe(Math.min(5_000_000, ...ttls))
      }
    }), { numRuns: 40 })
  })

  it("blocksContaining lists one block per level, each holding the bucket", () => {
    for (const bucket of [0, 1, 480_123, -7]) {
      const blocks = blocksContaining(bucket)
      expect(blocks.map((b) => b.level)).toEqual(Array.from({ length: maxBlockLevel + 1 }, (_, l) => l))
      for (const block of blocks) {
        const { hi, lo } = blockRange(block)
        expect(bucket >= lo && bucket <= hi).toBe(true)
      }
    }
  })
})
