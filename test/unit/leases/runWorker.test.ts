import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ShardEvent } from "../../../src/kinesis/consumer/index.js"
import { expectParentsFirst, seedSplitThenMerge } from "../consumer/reshard.js"
import {
  advanceUntil,
  leaseDurationMs,
  leaseRenewMs,
  makeWorld,
  pages,
  seed,
  shard,
  stop
} from "./world.js"

describe("runWorker (memory leases, scripted Kinesis, TestClock)", () => {
  it.effect("one worker leases every shard, reads them to exact totals and checkpoints under its lease", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world, 4, 100)
      const a = yield* world.start("a")
      yield* advanceUntil(() =>
        world.total() === 400 && [...world.rows().values()].every((row) => row.sequence?.endsWith("100")) &&
        a.metrics.snapshot().latencies["clicks/lease_renew"] !== undefined
      )
      expect(world.held("a")).toBe(4)
      for (const row of world.rows().values()) {
        expect(row.owner).toBe("a")
        expect(row.counter).toBe(1)
      }
      expect(a.metrics.counter("clicks:leases_taken")).toBe(4)
      expect(a.metrics.snapshot().gauges["clicks:leases_held"]).toBe(4)
      expect(a.metrics.snapshot().latencies["clicks/lease_renew"]?.count).toBeGreaterThan(0)
      expect(world.events.filter((e) => e._tag === "LeaseTaken").map((e) => e._tag === "LeaseTaken" && e.reason)).toEqual(
        ["new", "new", "new", "new"]
      )
      yield* stop(a)
    }))

  it.effect("a second and third worker balance the shards to within one in three renew cycles, by stealing one a cycle", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world, 8, 50)
      const a = yield* world.start("a")
      yield* advanceUntil(() => world.held("a") === 8)
      const b = yield* world.start("b")
      const c = yield* world.start("c")
      const joined = yield* advanceUntil(() => true)
      const balancedAt = yield* advanceUntil(() => {
        const counts = ["a", "b", "c"].map(world.held)
        return Math.max(...counts) - Math.min(...counts) <= 1 && counts.reduce((x, y) => x + y) === 8
      })
      expect(balancedAt - joined).toBeLessThanOrEqual(3 * leaseRenewMs + 100)
      const stolen = world.events.filter((e) => e._tag === "LeaseTaken" && e.reason === "stolen")
      // Each newcomer steals at most one lease per cycle.
      for (const id of ["b", "c"]) {
        const times = stolen.filter((e) => e.workerId === id).map((e) => e.at)
        for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(leaseRenewMs - 100)
      }
      expect(b.metrics.counter("clicks:leases_stolen") + c.metrics.counter("clicks:leases_stolen")).toBe(stolen.length)
      // No ping-pong: the counts stay put for several more cycles.
      const counters = [...world.rows().values()].map((row) => row.counter)
      yield* advanceUntil(() => false, { maxSteps: 5 * leaseRenewMs / 50 }).pipe(Effect.ignore)
      expect([...world.rows().values()].map((row) => row.counter)).toEqual(counters)
      // Every victim noticed (at its next renewal at the latest) and stopped reading what was stolen.
      const lost = [a, b, c].reduce((sum, worker) => sum + worker.metrics.counter("clicks:leases_lost"), 0)
      expect(lost).toBe(stolen.length)
      expect(a.metrics.counter("clicks:leases_lost")).toBeGreaterThanOrEqual(5)
      yield* advanceUntil(() => world.total() === 400)
      yield* Effect.forEach([a, b, c], stop)
      expect(world.total()).toBe(400)
    }))

  it.effect("a stolen lease stops its old owner at once: no checkpoint of its after the take, reading moves to the thief", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world, 2, 10)
      const a = yield* world.start("a")
      yield* advanceUntil(() => world.total() === 20)
      // Someone else takes shard 0 (as a balancing steal would), while records keep arriving.
      const observed = world.rows().get(shard(0))!
      const taken = yield* world.leases.service.take({
        key: { app: "views", stream: "clicks", shardId: shard(0) },
        owner: "intruder",
        observed,
        expiresAt: Number.MAX_SAFE_INTEGER,
        parents: []
      })
      expect(Option.isSome(taken)).toBe(true)
      world.kinesis.put(shard(0), pages(30))
      const callsBefore = world.kinesis.calls.length
      yield* advanceUntil(() => world.events.some((e) => e._tag === "LeaseLost" && e.shardId === shard(0)))
      const lost = world.events.find((e) => e._tag === "LeaseLost")!
      expect(lost).toMatchObject({ workerId: "a", holder: "intruder" })
      // Within one renew cycle, and nothing read from the shard after that.
      expect(lost.at).toBeLessThanOrEqual(leaseRenewMs + 1_000 + 100)
      const callsAtLoss = world.kinesis.calls.length
      yield* advanceUntil(() => false, { maxSteps: 40 }).pipe(Effect.ignore)
      expect(world.kinesis.calls.slice(callsAtLoss).filter((call) => call.shardId === shard(0))).toEqual([])
      expect(callsAtLoss).toBeGreaterThanOrEqual(callsBefore)
      // The intruder's row is untouched: same owner, counter, and the checkpoint where a left it or before.
      const row = world.rows().get(shard(0))!
      expect(row.owner).toBe("intruder")
      expect(row.counter).toBe(observed.counter + 1)
      expect(row.sequence).toBe(observed.sequence)
      expect(a.metrics.counter("clicks:leases_lost")).toBe(1)
      yield* stop(a)
    }))

  it.effect("a worker that dies holding leases: they expire, another takes them within the lease duration plus a cycle", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world, 4, 200)
      const a = yield* world.start("a", { recordsPerCall: 10 })
      yield* advanceUntil(() => world.held("a") === 4)
      const b = yield* world.start("b", { recordsPerCall: 10 })
      yield* advanceUntil(() => world.held("b") === 2 && world.held("a") === 2)
      a.kill()
      const killedAt = yield* advanceUntil(() => true)
      const lastRenewal = Math.max(...[...world.rows().values()].filter((r) => r.owner === "a").map((r) => r.expiresAt! - leaseDurationMs))
      yield* advanceUntil(() => world.held("b") === 4)
      const expired = world.events.filter((e) => e._tag === "LeaseTaken" && e.reason === "expired")
      expect(expired.map((e) => e.workerId)).toEqual(["b", "b"])
      for (const event of expired) {
        expect(event.at).toBeGreaterThan(killedAt)
        expect(event.at - lastRenewal).toBeLessThanOrEqual(leaseDurationMs + 100)
      }
      yield* advanceUntil(() => world.total() === 800)
      yield* stop(b)
      expect(world.total()).toBe(800)
    }))

  it.effect("graceful shutdown releases every lease; the other worker takes them on its next cycle", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world, 4, 100)
      const a = yield* world.start("a")
      const b = yield* world.start("b")
      yield* advanceUntil(() => world.held("a") === 2 && world.held("b") === 2)
      yield* stop(b)
      const released = world.events.filter((e) => e._tag === "LeaseReleased" && e.workerId === "b")
      expect(released.map((e) => e._tag === "LeaseReleased" && e.reason)).toEqual(["shutdown", "shutdown"])
      expect(b.metrics.snapshot().gauges["clicks:leases_held"]).toBe(0)
      const stoppedAt = Math.max(...released.map((e) => e.at))
      yield* advanceUntil(() => world.held("a") === 4)
      const handedOver = world.events.filter((e) => e._tag === "LeaseTaken" && e.workerId === "a" && e.at >= stoppedAt)
      expect(handedOver.map((e) => e._tag === "LeaseTaken" && e.reason)).toEqual(["released", "released"])
      for (const event of handedOver) expect(event.at - stoppedAt).toBeLessThanOrEqual(leaseRenewMs + 100)
      yield* advanceUntil(() => world.total() === 400)
      yield* stop(a)
      expect(world.total()).toBe(400)
    }))

  it.effect("children are leased only after their parents are finished (split, then merge)", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seedSplitThenMerge(world.kinesis, pages)
      const events: Array<string> = []
      const onShardEvent = (event: ShardEvent) => Effect.sync(() => void events.push(`${event._tag}:${event.shardId}`))
      const a = yield* world.start("a", { onShardEvent })
      const b = yield* world.start("b", { onShardEvent })
      yield* advanceUntil(() => world.total() === 280)
      expectParentsFirst(events)
      const takes = world.events.filter((e) => e._tag === "LeaseTaken")
      const finishedReleases = world.events.filter((e) => e._tag === "LeaseReleased" && e.reason === "finished")
      for (const [parent, child] of [[0, 1], [1, 3], [2, 3]] as const) {
        const released = finishedReleases.find((e) => e.shardId === shard(parent))!
        expect(takes.find((e) => e.shardId === shard(child))!.at).toBeGreaterThanOrEqual(released.at)
      }
      for (const i of [0, 1, 2]) expect(world.rows().get(shard(i))).toMatchObject({ finished: true, owner: undefined })
      expect(world.rows().get(shard(3))?.parents).toEqual([shard(1), shard(2)])
      yield* Effect.forEach([a, b], stop)
    }))
})
