import { describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { MemoryLeases } from "../../../src/state/memory/index.js"

const key = { app: "views", stream: "clicks", shardId: "shardId-000000000000" }

describe("MemoryLeases (the conditions every lease layer keeps)", () => {
  it.effect("take is conditional on the row as observed; the counter rises on every take", () =>
    Effect.gen(function*() {
      const { rows, service } = MemoryLeases.make()
      const first = yield* service.take({ key, owner: "a", observed: undefined, expiresAt: 10, parents: [] })
      expect(Option.getOrThrow(first).counter).toBe(1)
      // A second taker that also saw no row loses.
      expect(Option.isNone(yield* service.take({ key, owner: "b", observed: undefined, expiresAt: 10, parents: [] }))).toBe(true)
      const seen = rows("views", "clicks").get(key.shardId)!
      const lease = Option.getOrThrow(first)
      yield* service.renew(lease, 20)
      // The row moved (renewed) since it was seen: the take fails.
      expect(Option.isNone(yield* service.take({ key, owner: "b", observed: seen, expiresAt: 30, parents: [] }))).toBe(true)
      const stolen = yield* service.take({ key, owner: "b", observed: rows("views", "clicks").get(key.shardId), expiresAt: 30, parents: ["p"] })
      expect(Option.getOrThrow(stolen).counter).toBe(2)
      expect(rows("views", "clicks").get(key.shardId)?.parents).toEqual(["p"])
    }))

  it.effect("the old owner can neither renew, release nor checkpoint after a take", () =>
    Effect.gen(function*() {
      const { rows, service } = MemoryLeases.make()
      const a = Option.getOrThrow(yield* service.take({ key, owner: "a", observed: undefined, expiresAt: 10, parents: [] }))
      yield* service.checkpoint(a, "100", false)
      const b = Option.getOrThrow(yield* service.take({ key, owner: "b", observed: rows("views", "clicks").get(key.shardId), expiresAt: 10, parents: [] }))
      for (const attempt of [service.renew(a, 99), service.release(a), service.checkpoint(a, "200", false)]) {
        const error = yield* Effect.flip(attempt)
        expect(error).toMatchObject({ _tag: "LeaseLost", owner: "a", holder: "b" })
      }
      expect(rows("views", "clicks").get(key.shardId)).toMatchObject({ owner: "b", sequence: "100", counter: 2 })
      // The checkpoint never moves backward, even for the owner.
      expect(yield* Effect.flip(service.checkpoint(b, "99", false))).toMatchObject({ _tag: "StaleCheckpoint" })
      yield* service.checkpoint(b, undefined, true)
      yield* service.release(b)
      expect(rows("views", "clicks").get(key.shardId)).toMatchObject({ owner: undefined, expiresAt: undefined, finished: true, counter: 2 })
    }))
})
