import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Window from "../../../src/window/index.js"

const year3000 = Date.UTC(3000, 0, 1)
const instants = fc.integer({ min: 0, max: year3000 })
const windows = fc.constantFrom(Window.minute(), Window.hourly(), Window.daily())

describe("bucket ids", () => {
  it("place every instant in exactly one bucket, and agree with exact integer maths", () => {
    fc.assert(
      fc.property(windows, instants, (window, t) => {
        const id = Window.bucketId(window, t)
        expect(Window.bucketStart(window, id)).toBeLessThanOrEqual(t)
        expect(Window.bucketEnd(window, id)).toBeGreaterThanOrEqual(t)
        expect(Window.bucketId(window, t - 1) === id || t === Window.bucketStart(window, id)).toBe(true)
        expect(BigInt(id)).toBe(BigInt(t) / BigInt(window.granularityMs))
      }),
      { numRuns: 2_000 }
    )
  })

  it("split exactly at boundaries", () => {
    fc.assert(
      fc.property(windows, fc.integer({ min: 1, max: Math.floor(year3000 / 60_000) }), (window, n) => {
        const boundary = n * window.granularityMs
        if (boundary > year3000) return
        expect(Window.bucketId(window, boundary)).toBe(n)
        expect(Window.bucketId(window, boundary - 1)).toBe(n - 1)
      })
    )
  })

  it("match the Go library's ids for known instants", () => {
    const t = Date.UTC(2024, 0, 15, 13, 45, 30)
    expect(Window.bucketId(Window.hourly(), t)).toBe(Math.floor(t / 3_600_000))
    expect(Window.bucketId(Window.daily(), t)).toBe(19737)
    expect(Window.bucketId(Window.minute(), Date.UTC(1970, 0, 1, 0, 1))).toBe(1)
  })
})

describe("last-N and range", () => {
  const hour = Window.hourly()
  const now = Date.UTC(2024, 5, 1, 10, 30)
  const current = Window.bucketId(hour, now)

  it("last 3 hours is the current partial bucket plus the two before it", () => {
    expect(Window.lastN(hour, now, "3 hours")).toEqual({ lo: current - 2, hi: current })
  })

  it("rounds a partial duration up and never returns fewer than one bucket", () => {
    expect(Window.lastN(hour, now, "90 minutes")).toEqual({ lo: current - 1, hi: current })
    expect(Window.lastN(hour, now, 0)).toEqual({ lo: current, hi: current })
  })

  it("daily last 7 days covers today and six previous days", () => {
    const day = Window.daily()
    const range = Window.lastN(day, now, "7 days")
    expect(range.hi - range.lo + 1).toBe(7)
    expect(Window.bucketsOf(range)).toHaveLength(7)
  })

  it("range is inclusive at both ends and empty when reversed", () => {
    const start = Date.UTC(2024, 5, 1, 8, 0)
    const end = Date.UTC(2024, 5, 1, 10, 59, 59, 999)
    expect(Window.bucketsOf(Window.range(hour, start, end))).toEqual([current - 2, current - 1, current])
    expect(Window.bucketsOf(Window.range(hour, end, start))).toEqual([])
  })
})

describe("retention", () => {
  it("TTL is the bucket's end plus the retention, in epoch seconds", () => {
    const hour = Window.hourly("2 days")
    const bucket = Window.bucketId(hour, Date.UTC(2024, 0, 1, 5, 20))
    expect(Window.ttlSeconds(hour, bucket)).toBe(Date.UTC(2024, 0, 3, 6, 0) / 1000)
  })

  it("no retention means no TTL", () => {
    expect(Window.ttlSeconds(Window.daily(), 100)).toBeUndefined()
  })
})
