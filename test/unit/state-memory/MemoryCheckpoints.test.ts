import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { Checkpoints } from "../../../src/state/Checkpoints.js"
import { MemoryCheckpoints } from "../../../src/state/memory/index.js"

const key = { app: "app", stream: "views", shardId: "shardId-000" }

describe("MemoryCheckpoints", () => {
  it.effect("moves only forward, in numeric order, and fails backward writes with StaleCheckpoint", () =>
    Effect.gen(function*() {
      const { service } = MemoryCheckpoints.make()
      expect(Option.isNone(yield* service.get(key))).toBe(true)
      yield* TestClock.setTime(1_000)
      yield* service.save(key, "99", { owner: "worker-1" })
      yield* service.save(key, "100")
      const saved = Option.getOrThrow(yield* service.get(key))
      expect(saved).toEqual({ sequence: "100", finished: false, owner: "worker-1", leaseCounter: 0, updatedAt: 1_000 })
      const stale = yield* Effect.flip(service.save(key, "99"))
      expect(stale._tag).toBe("StaleCheckpoint")
      // An equal save is a no-op (updatedAt unchanged).
      yield* TestClock.setTime(2_000)
      yield* service.save(key, "100")
      expect(Option.getOrThrow(yield* service.get(key)).updatedAt).toBe(1_000)
    }))

  it.effect("marks shards finished with or without a sequence, per shard", () =>
    Effect.gen(function*() {
      const { service } = MemoryCheckpoints.make()
      yield* service.save(key, "5", { finished: true })
      expect(Option.getOrThrow(yield* service.get(key)).finished).toBe(true)
      const other = { ...key, shardId: "shardId-001" }
      yield* service.finish(other)
      expect(Option.getOrThrow(yield* service.get(other))).toMatchObject({ sequence: undefined, finished: true })
    }))

  it.effect("layer provides a fresh service", () =>
    Effect.gen(function*() {
      const checkpoints = yield* Checkpoints
      yield* checkpoints.save(key, "1")
      expect(Option.getOrThrow(yield* checkpoints.get(key)).sequence).toBe("1")
    }).pipe(Effect.provide(MemoryCheckpoints.layer)))
})
