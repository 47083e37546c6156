import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { sum } from "../../../src/monoid/index.js"
import { MemoryCache } from "../../../src/state/memory/index.js"

const key = { entity: "k", bucket: 0 }

describe("MemoryCache", () => {
  it.effect("merges deltas and injects faults before or after the write", () =>
    Effect.gen(function*() {
      const { control, service } = MemoryCache.make()
      yield* service.merge("t", sum, key, 2, undefined)
      control.mergeFaults.failCall(2, { phase: "before" })
      control.mergeFaults.failCall(3, { phase: "after" })
      yield* Effect.flip(service.merge("t", sum, key, 5, undefined))
      expect(yield* service.get("t", sum, key)).toEqual(Option.some(2))
      yield* Effect.flip(service.merge("t", sum, key, 5, undefined))
      expect(yield* service.getMany("t", sum, [key, { entity: "x", bucket: 0 }])).toEqual([Option.some(7), Option.none()])
      expect(control.mergeCalls()).toBe(3)
    }))
})
