import { describe, expect, it } from "vitest"
import { decide, type DecisionContext, readersOf } from "../../../src/kinesis/lambda/parallelism.js"

const streamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/views"
const context = (overrides: Partial<DecisionContext> = {}): DecisionContext => ({
  pipeline: "views",
  delivery: "auto",
  functionName: "views-fn",
  streamArn,
  claimsAvailable: false,
  strict: false,
  ...overrides
})
const known = (readers: number) => ({ _tag: "Known", readers }) as const
const unknown = { _tag: "Unknown", reason: "AccessDeniedException: no" } as const

describe("decide", () => {
  it.each([
    ["factor 1, auto", known(1), context(), "AsConfigured"],
    ["factor 1, fenced", known(1), context({ delivery: "fenced" }), "AsConfigured"],
    ["factor 2, auto, claims table", known(2), context({ claimsAvailable: true }), "Claims"],
    ["factor 2, auto, no claims table", known(2), context(), "Refuse"],
    ["factor 2, fenced, claims table", known(2), context({ delivery: "fenced", claimsAvailable: true }), "Refuse"],
    ["factor 2, claims pipeline", known(2), context({ delivery: "claims" }), "AsConfigured"],
    ["factor 2, at-least-once pipeline", known(2), context({ delivery: "at-least-once" }), "AsConfigured"],
    ["unknown, warn", unknown, context({ delivery: "fenced" }), "AsConfigured"],
    ["unknown, strict, auto, claims table", unknown, context({ strict: true, claimsAvailable: true }), "Claims"],
    ["unknown, strict, fenced", unknown, context({ strict: true, delivery: "fenced" }), "Refuse"],
    ["unchecked", { _tag: "Unchecked" } as const, context({ strict: true }), "AsConfigured"]
  ])("%s → %s", (_name, parallelism, ctx, expected) => {
    expect(decide(parallelism, ctx)._tag).toBe(expected)
  })

  it("says why it refuses and what to change, in one line", () => {
    const refusal = decide(known(2), context())
    expect(refusal._tag).toBe("Refuse")
    const message = (refusal as { message: string }).message
    expect(message).toMatch(/pipeline "views".*reports every record.*2 batches of each shard.*ParallelizationFactor to 1.*MURMUR_CLAIMS_TABLE/)
    expect(message).not.toMatch(/\n/)
    const strict = decide(unknown, context({ strict: true, delivery: "fenced" })) as { message: string }
    expect(strict.message).toMatch(/could not be read \(AccessDeniedException: no\).*"strict".*delivery "claims".*lambda:ListEventSourceMappings/)
  })
})

describe("readersOf", () => {
  it("sums the factors of the enabled mappings reading the stream or one of its consumers", () => {
    const mappings = [
      { eventSourceArn: streamArn, parallelizationFactor: 2, state: "Enabled" },
      { eventSourceArn: `${streamArn}/consumer/c:1`, parallelizationFactor: 1, state: "Updating" },
      { eventSourceArn: `${streamArn}-other`, parallelizationFactor: 5, state: "Enabled" },
      { eventSourceArn: streamArn, parallelizationFactor: 4, state: "Disabled" }
    ]
    expect(readersOf(mappings, streamArn)).toBe(3)
    expect(readersOf(mappings, "arn:none")).toBe(0)
  })
})
