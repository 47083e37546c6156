import { it } from "@effect/vitest"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import { describe, expect } from "vitest"
import { decayedSum, MalformedValue } from "../../../src/monoid/index.js"
import { checkMonoidLaws, decayedValues } from "../../../src/monoid/laws.js"
import { InvalidConfig } from "../../../src/errors.js"

const hour = 3_600_000
const trending = decayedSum("1 hour")
const codec = trending.codec
if (codec.storage !== "binary") throw new Error("decayedSum is stored as bytes")

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

describe("decayedSum", () => {
  it("decays the older operand to the newer time and adds", () => {
    expect(trending.combine(trending.of(4, 0), trending.of(1, 2 * hour))).toEqual({ value: 2, at: 2 * hour })
    expect(trending.combine(trending.of(1, 2 * hour), trending.of(4, 0))).toEqual({ value: 2, at: 2 * hour })
    expect(trending.combine(trending.of(1, hour), trending.of(2, hour))).toEqual({ value: 3, at: hour })
    expect(trending.valueAt(trending.of(8, 0), 3 * hour)).toBe(1)
    expect(trending.valueAt(null, 0)).toBe(0)
  })

  it("rejects a half-life that is not positive and finite, with a typed error", () => {
    const bad: ReadonlyArray<Duration.DurationInput> = [0, -1000, "0 millis", Infinity]
    for (const halfLife of bad) expect(() => decayedSum(halfLife)).toThrow(InvalidConfig)
    expect(decayedSum(500).halfLifeMs).toBe(500)
  })

  it.effect("reads as of the Clock's now", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(hour)
      expect(yield* trending.valueNow(trending.of(10, hour))).toBe(10)
      yield* TestClock.adjust("2 hours")
      expect(yield* trending.valueNow(trending.of(10, hour))).toBe(2.5)
    }))

  it("stores Go's 17 bytes: f64 value, i64 Unix nanoseconds, set byte", () => {
    const bytes = codec.encode(trending.of(1.5, 1_700_000_000_123))
    expect(Buffer.from(bytes).toString("hex")).toBe(
      "000000000000f83f" + Buffer.from(new BigInt64Array([1_700_000_000_123_000_000n]).buffer).toString("hex") + "01"
    )
    expect(codec.decode(bytes)).toEqual({ value: 1.5, at: 1_700_000_000_123 })
    expect(codec.encode(null)).toEqual(new Uint8Array(17))
    expect(codec.decode(new Uint8Array(17))).toBeNull()
    expect(() => codec.decode(new Uint8Array(16))).toThrow(MalformedValue)
  })

  it("satisfies the monoid laws up to floating-point rounding", () => {
    const tolerant = {
      ...trending,
      equals: (a: typeof trending.empty, b: typeof trending.empty) =>
        a === b || (a !== null && b !== null && a.at === b.at && close(a.value, b.value))
    }
    expect(checkMonoidLaws(tolerant, decayedValues(trending), { numRuns: 500 })).toEqual([])
  })
})
