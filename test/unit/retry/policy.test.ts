import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import {
  checkRetryPolicy,
  defaultConflictPolicy,
  defaultRetryPolicy,
  resolveRetryPolicy,
  worstCaseBackoffMs
} from "../../../src/retry/index.js"

describe("retry policy", () => {
  it("fills missing fields from the defaults, once", () => {
    expect(resolveRetryPolicy(undefined)).toEqual({ maxAttempts: 3, baseMs: 50, capMs: 5_000 })
    expect(resolveRetryPolicy({ maxAttempts: 5 })).toEqual({ maxAttempts: 5, baseMs: 50, capMs: 5_000 })
    expect(resolveRetryPolicy({ baseMs: 1 }, defaultConflictPolicy)).toEqual({ maxAttempts: 8, baseMs: 1, capMs: 1_000 })
    expect(resolveRetryPolicy({ maxAttempts: 0.5, baseMs: -1 })).toEqual({ maxAttempts: 1, baseMs: 0, capMs: 5_000 })
  })

  it("checks a user's option and names the field and the member", () => {
    expect(checkRetryPolicy(undefined)).toEqual(Either.right(defaultRetryPolicy))
    const cases: ReadonlyArray<[Parameters<typeof checkRetryPolicy>[0], string]> = [
      [{ maxAttempts: 0 }, "retry.maxAttempts"],
      [{ maxAttempts: 1.5 }, "retry.maxAttempts"],
      [{ baseMs: -1 }, "retry.baseMs"],
      [{ baseMs: Number.NaN }, "retry.baseMs"],
      [{ capMs: Number.POSITIVE_INFINITY }, "retry.capMs"],
      [{ baseMs: 100, capMs: 50 }, "retry.capMs"]
    ]
    for (const [options, member] of cases) {
      const result = checkRetryPolicy(options)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left.field).toBe("retry")
        expect(result.left.message.startsWith(member)).toBe(true)
      }
    }
  })

  it("bounds the backoff a policy can wait: the sum of its delay ceilings", () => {
    expect(worstCaseBackoffMs(defaultRetryPolicy)).toBe(50 + 100)
    expect(worstCaseBackoffMs(defaultConflictPolicy)).toBe(20 + 40 + 80 + 160 + 320 + 640 + 1_000)
    expect(worstCaseBackoffMs({ maxAttempts: 1, baseMs: 50, capMs: 5_000 })).toBe(0)
  })
})
