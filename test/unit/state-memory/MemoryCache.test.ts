import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { custom, sum } from "../../../src/monoid/index.js"
import { MemoryCache } from "../../../src/state/memory/index.js"

const bucket5 = { level: 0, index: 5 }
const blocks4to7 = { level: 2, index: 1 }

describe("MemoryCache", () => {
  it.effect("merges deltas into the blocks it holds only, and injects faults before or after the write", () =>
    Effect.gen(function*() {
      const { control, service } = MemoryCache.make()
      yield* service.putBlocks("t", sum, "k", [
        { block: bucket5, value: 1, expiresAtMs: Infinity },
        { block: blocks4to7, value: 10, expiresAtMs: Infinity }
      ])
      yield* service.merge("t", sum, { entity: "k", bucket: 5 }, 2, undefined)
      control.mergeFaults.failCall(2, { phase: "before" })
      control.mergeFaults.failCall(3, { phase: "after" })
      yield* Effect.flip(service.merge("t", sum, { entity: "k", bucket: 5 }, 5, undefined))
      const read = service.getBlocks("t", sum, [{ entity: "k", blocks: [bucket5, blocks4to7, { level: 0, index: 4 }] }, {
        entity: "x",
        blocks: [bucket5]
      }])
      expect(yield* read).toEqual([[Option.some(3), Option.some(12), Option.none()], [Option.none()]])
      yield* Effect.flip(service.merge("t", sum, { entity: "k", bucket: 5 }, 5, undefined))
      expect((yield* read)[0]).toEqual([Option.some(8), Option.some(17), Option.none()])
      expect(control.mergeCalls()).toBe(3)
    }))

  it.effect("forgets a block at its expiry, and a merge with a row TTL shortens it", () =>
    Effect.gen(function*() {
      const { service } = MemoryCache.make()
      yield* service.putBlocks("t", sum, "k", [{ block: bucket5, value: 1, expiresAtMs: 60_000 }])
      yield* service.merge("t", sum, { entity: "k", bucket: 5 }, 1, 30)
      const read = service.getBlocks("t", sum, [{ entity: "k", blocks: [bucket5] }])
      yield* TestClock.setTime(30_000)
      expect(yield* read).toEqual([[Option.some(2)]])
      yield* TestClock.setTime(30_001)
      expect(yield* read).toEqual([[Option.none()]])
    }))

  it.effect("drops a wider block on a merge of a non-commutative monoid (a late delta is not the last value)", () =>
    Effect.gen(function*() {
      const { service } = MemoryCache.make()
      // The latest non-zero value in bucket order: not commutative.
      const lastNumber = custom<number>({ name: "last", empty: 0, combine: (left, right) => (right === 0 ? left : right) })
      yield* service.putBlocks("t", lastNumber, "k", [
        { block: bucket5, value: 1, expiresAtMs: Infinity },
        { block: blocks4to7, value: 7, expiresAtMs: Infinity }
      ])
      yield* service.merge("t", lastNumber, { entity: "k", bucket: 5 }, 2, undefined)
      expect(yield* service.getBlocks("t", lastNumber, [{ entity: "k", blocks: [bucket5, blocks4to7] }])).toEqual([[
        Option.some(2),
        Option.none()
      ]])
    }))
})
