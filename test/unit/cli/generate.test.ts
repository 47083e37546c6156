import * as Effect from "effect/Effect"
import { describe, expect, it } from "vitest"
import { defaultSeed, generatePageViews, malformedCount } from "../../../src/cli/demo/generate.js"
import { pageViewDecoder } from "../../../src/cli/demo/pageViews.js"

describe("generatePageViews", () => {
  it("is deterministic for a seed and its expected totals count exactly the decodable records", () => {
    const first = Effect.runSync(generatePageViews(3_000, defaultSeed, 0))
    const again = Effect.runSync(generatePageViews(3_000, defaultSeed, 0))
    expect(again.records).toEqual(first.records)

    const pages = new Map<string, number>()
    let malformed = 0
    for (const record of first.records) {
      const decoded = pageViewDecoder.decode(record.data)
      if (decoded._tag === "Left") malformed++
      else pages.set(decoded.right.page, (pages.get(decoded.right.page) ?? 0) + 1)
    }
    expect(malformed).toBe(malformedCount(3_000))
    expect(first.records.length).toBe(3_000 + malformed)
    expect(pages).toEqual(first.expectedPages)
    expect([...first.expectedCountries.values()].reduce((a, b) => a + b, 0)).toBe(3_000)
  })

  it("makes page popularity skewed: the home page beats the 100th page many times over", () => {
    const events = Effect.runSync(generatePageViews(20_000, defaultSeed, 0))
    const home = events.expectedPages.get("/") ?? 0
    const hundredth = events.expectedPages.get(events.pages[99]!) ?? 0
    expect(home).toBeGreaterThan(20 * Math.max(1, hundredth))
  })
})
