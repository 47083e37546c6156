import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { count, max, sum } from "../../../src/monoid/index.js"
import { claimId, type CommitRequest, type CommitStrategy, type Contribution } from "../../../src/state/Commit.js"
import { MemoryDeduper, MemoryState, MemoryStore } from "../../../src/state/memory/index.js"
import { makeClaimBook } from "../../../src/testing.js"

const key = { entity: "page:home", bucket: 7 }
const fenced: CommitStrategy = { _tag: "Fenced", shardId: "shardId-000" }
const claims: CommitStrategy = { _tag: "Claims", claimTtlSeconds: 60 }

const contribution = (n: number, value = 1): Contribution<number> => ({ eventId: `e${n}`, sequence: String(n), value })

const request = (
  strategy: CommitStrategy,
  contributions: ReadonlyArray<Contribution<number>>,
  ttl?: number
): CommitRequest<number> => ({
  pipeline: "views",
  table: "aggregates",
  monoid: count,
  key,
  ttl,
  strategy,
  contributions
})

describe("MemoryStore", () => {
  it.effect("reads absent rows as None and applies at-least-once commits every time", () =>
    Effect.gen(function*() {
      const { service } = MemoryStore.make()
      expect(Option.isNone(yield* service.get("aggregates", sum, key))).toBe(true)
      const twice = request({ _tag: "AtLeastOnce" }, [contribution(1, 2), contribution(2, 3)])
      expect((yield* service.commit(twice)).applied).toBe(5)
      yield* service.commit(twice)
      expect(yield* service.get("aggregates", sum, key)).toEqual(Option.some(10))
      const many = yield* service.getMany("aggregates", count, [key, { entity: "other", bucket: 7 }])
      expect(many).toEqual([Option.some(10), Option.none()])
    }))

  it.effect("fenced: applies only contributions above the shard's mark and raises it to the last one", () =>
    Effect.gen(function*() {
      const { control, service } = MemoryStore.make()
      const first = yield* service.commit(request(fenced, [contribution(5), contribution(9)]))
      expect(first).toEqual({ applied: 2, alreadyApplied: [] })
      expect(control.row("aggregates", key)?.marks.get("shardId-000")).toBe("9")
      // A redelivery from 5 with one new record: only 12 is new.
      const retry = yield* service.commit(request(fenced, [contribution(5), contribution(9), contribution(12)]))
      expect(retry).toEqual({ applied: 1, alreadyApplied: ["e5", "e9"] })
      // Numeric, not string, order: "100" > "12".
      const longer = yield* service.commit(request(fenced, [contribution(100)]))
      expect(longer.applied).toBe(1)
      // Another shard has its own mark.
      const other = yield* service.commit(request({ _tag: "Fenced", shardId: "shardId-001" }, [contribution(1)]))
      expect(other.applied).toBe(1)
      expect(yield* service.get("aggregates", sum, key)).toEqual(Option.some(5))
      const none = yield* service.commit(request(fenced, [contribution(100)]))
      expect(none).toEqual({ applied: 0, alreadyApplied: ["e100"] })
    }))

  it.effect("fenced: rejects contributions without a sequence number, non-transiently", () =>
    Effect.gen(function*() {
      const { service } = MemoryStore.make()
      const error = yield* Effect.flip(
        service.commit(request(fenced, [{ eventId: "x", sequence: undefined, value: 1 }]))
      )
      expect(error.transient).toBe(false)
    }))

  it.effect("claims: applies each (pipeline, event, row) once, writes claims atomically, and expires them", () =>
    Effect.gen(function*() {
      const book = makeClaimBook()
      const { service } = MemoryStore.make(book)
      const deduper = MemoryDeduper.make(book)
      const outcome = yield* service.commit(request(claims, [contribution(1), contribution(2), contribution(1)]))
      expect(outcome).toEqual({ applied: 2, alreadyApplied: ["e1"] })
      const ids = [claimId("views", "e1", key), claimId("views", "e2", key), claimId("views", "e3", key)]
      expect([...(yield* deduper.claimed(ids))].sort()).toEqual(ids.slice(0, 2).sort())
      const again = yield* service.commit(request(claims, [contribution(2), contribution(3)]))
      expect(again).toEqual({ applied: 1, alreadyApplied: ["e2"] })
      // Another pipeline has its own claims.
      const otherPipeline = yield* service.commit({ ...request(claims, [contribution(1)]), pipeline: "other" })
      expect(otherPipeline.applied).toBe(1)
      yield* TestClock.adjust("61 seconds")
      expect((yield* deduper.claimed(ids)).size).toBe(0)
      expect((yield* service.commit(request(claims, [contribution(1)]))).applied).toBe(1)
    }))

  it.effect("stores the TTL and reads expired rows as absent", () =>
    Effect.gen(function*() {
      const { control, service } = MemoryStore.make()
      yield* service.commit(request({ _tag: "AtLeastOnce" }, [contribution(1, 4)], 100))
      expect(control.row("aggregates", key)?.ttl).toBe(100)
      yield* TestClock.setTime(100_000)
      expect(yield* service.get("aggregates", sum, key)).toEqual(Option.some(4))
      yield* TestClock.setTime(100_001)
      expect(Option.isNone(yield* service.get("aggregates", sum, key))).toBe(true)
      // A write after expiry starts a new row.
      yield* service.commit(request({ _tag: "AtLeastOnce" }, [contribution(2, 1)], 200))
      expect(yield* service.get("aggregates", sum, key)).toEqual(Option.some(1))
    }))

  it.effect("injects faults before (nothing written) and after (written, then failed) a commit", () =>
    Effect.gen(function*() {
      const { control, service } = MemoryStore.make()
      control.commitFaults.failCall(1, { phase: "before" })
      control.commitFaults.failCall(2, { phase: "after", transient: false })
      const before = yield* Effect.flip(service.commit(request(fenced, [contribution(1)])))
      expect(before.transient).toBe(true)
      expect(control.row("aggregates", key)).toBeUndefined()
      const after = yield* Effect.flip(service.commit(request(fenced, [contribution(1)])))
      expect(after.transient).toBe(false)
      expect(yield* service.get("aggregates", sum, key)).toEqual(Option.some(1))
      expect(yield* service.commit(request(fenced, [contribution(1)]))).toEqual({ applied: 0, alreadyApplied: ["e1"] })
      expect(control.commitCalls()).toBe(3)
    }))

  it.effect("keeps exact totals under many concurrent fibers committing the same contributions", () =>
    Effect.gen(function*() {
      const { service } = MemoryStore.make()
      const requests = Array.from({ length: 50 }, (_, n) => request(claims, [contribution(n % 10, n % 10)]))
      yield* Effect.forEach(requests, (r) => Effect.zipRight(Effect.yieldNow(), service.commit(r)), {
        concurrency: "unbounded"
      })
      expect(yield* service.get("aggregates", sum, key)).toEqual(Option.some(45))
    }))

  it.effect("combines non-additive monoids in contribution order", () =>
    Effect.gen(function*() {
      const { service } = MemoryStore.make()
      yield* service.commit({
        pipeline: "p",
        table: "t",
        monoid: max,
        key,
        ttl: undefined,
        strategy: { _tag: "AtLeastOnce" },
        contributions: [{ eventId: "a", sequence: undefined, value: 3 }, { eventId: "b", sequence: undefined, value: 9 }]
      })
      expect(yield* service.get("t", max, key)).toEqual(Option.some(9))
    }))

  it.effect("MemoryState.layer provides every service, fresh per build", () =>
    Effect.gen(function*() {
      const state = MemoryState.make()
      yield* state.store.service.commit(request(claims, [contribution(1)]))
      expect(state.store.control.claimCount()).toBe(1)
      expect(state.layer).toBeDefined()
      expect(MemoryState.layer).toBeDefined()
    }))
})

describe("MemoryStore atomicity", () => {
  it.effect("a combine that throws leaves neither the delta nor its claims behind", () =>
    Effect.gen(function*() {
      const { control, service } = MemoryStore.make()
      let fail = false
      const flaky = {
        ...count,
        combine: (left: number, right: number) => {
          if (fail) throw new Error("boom")
          return left + right
        }
      }
      const commit = (n: number) => service.commit({ ...request(claims, [contribution(n)]), monoid: flaky })
      yield* commit(1)
      fail = true
      const exit = yield* Effect.exit(commit(2))
      expect(exit._tag).toBe("Failure")
      expect(control.claimCount()).toBe(1)
      fail = false
      expect((yield* commit(2)).applied).toBe(1)
      expect(yield* service.get("aggregates", sum, key)).toEqual(Option.some(2))
    }))
})
