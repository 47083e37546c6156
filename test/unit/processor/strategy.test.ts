import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { resolveStrategy } from "../../../src/processor/index.js"
import type { SourceRecord } from "../../../src/processor/types.js"

const base = { name: "p", claimRetentionSeconds: 600 }
const records = (...sequences: ReadonlyArray<string | undefined>): Array<SourceRecord> =>
  sequences.map((sequence, i) => ({ eventId: `e${i}`, eventTimeMs: 0, data: new Uint8Array(), sequence }))
const claims = Either.right({ _tag: "Claims", claimTtlSeconds: 600 })
const fenced = Either.right({ _tag: "Fenced", shardId: "s" })

describe("resolveStrategy", () => {
  it("auto: fenced only with a shard id and strictly ascending sequence numbers (numeric order)", () => {
    const auto = { ...base, delivery: "auto" as const }
    expect(resolveStrategy(auto, { shardId: "s" }, records("9", "10", "0011"))).toEqual(fenced)
    expect(resolveStrategy(auto, { shardId: "s" }, [])).toEqual(fenced)
    expect(resolveStrategy(auto, {}, records("1", "2"))).toEqual(claims)
    expect(resolveStrategy(auto, { shardId: "s" }, records("2", "1"))).toEqual(claims)
    expect(resolveStrategy(auto, { shardId: "s" }, records("1", "1"))).toEqual(claims)
    expect(resolveStrategy(auto, { shardId: "s" }, records("1", undefined))).toEqual(claims)
  })

  it("fenced: InvalidConfig without a shard or with unordered records", () => {
    const explicit = { ...base, delivery: "fenced" as const }
    expect(resolveStrategy(explicit, { shardId: "s" }, records("1", "2"))).toEqual(fenced)
    const noShard = resolveStrategy(explicit, {}, [])
    expect(Either.isLeft(noShard) && noShard.left.field).toBe("shardId")
    const unordered = resolveStrategy(explicit, { shardId: "s" }, records("3", "2"))
    expect(Either.isLeft(unordered) && unordered.left.field).toBe("delivery")
  })

  it("claims and at-least-once ignore the shard", () => {
    expect(resolveStrategy({ ...base, delivery: "claims" }, { shardId: "s" }, records("1"))).toEqual(claims)
    expect(resolveStrategy({ ...base, delivery: "at-least-once" }, {}, [])).toEqual(Either.right({ _tag: "AtLeastOnce" }))
  })
})
