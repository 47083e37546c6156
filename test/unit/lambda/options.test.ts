import * as Either from "effect/Either"
import { describe, expect, it } from "vitest"
import { resolveOptions } from "../../../src/kinesis/lambda/options.js"

describe("handler options", () => {
  it("defaults to the Go library's values", () => {
    const resolved = Either.getOrThrow(resolveOptions())
    expect(resolved.retry).toEqual({ maxAttempts: 3, baseMs: 50, capMs: 5_000 })
    expect(resolved.deadlineMarginMs).toBe(1_000)
    expect(resolved.reportDecodeErrors).toBe(false)
    expect(resolved.inOrder).toBe(true)
  })

  it.each([
    [{ retry: { maxAttempts: 0 } }, "retry"],
    [{ retry: { maxAttempts: 1.5 } }, "retry"],
    [{ retry: { baseMs: -1 } }, "retry"],
    [{ retry: { baseMs: Number.NaN } }, "retry"],
    [{ retry: { baseMs: 100, capMs: 50 } }, "retry"],
    [{ deadlineMarginMs: Number.POSITIVE_INFINITY }, "deadlineMarginMs"],
    [{ concurrency: 0 }, "concurrency"]
  ])("rejects %o naming the field", (options, field) => {
    const result = resolveOptions(options)
    expect(Either.isLeft(result) && result.left._tag === "InvalidConfig" && result.left.field).toBe(field)
  })
})
