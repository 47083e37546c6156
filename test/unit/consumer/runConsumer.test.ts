import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { type ConsumerConfig, makeProgress, runConsumer, type ShardEvent } from "../../../src/kinesis/consumer/index.js"
import { makeMemoryMetrics, Metrics } from "../../../src/metrics/index.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/index.js"
import { MemoryState } from "../../../src/state/memory/index.js"
import { Store } from "../../../src/state/Store.js"
import { driveClock } from "./clock.js"
import { type FakeKinesis, makeFakeKinesis } from "./fakeKinesis.js"
import { expectParentsFirst, seedSplitThenMerge } from "./reshard.js"

const Click = Schema.Struct({ page: Schema.String })
const clicksDefinition = { name: "clicks", store: "aggregates", key: (e: { page: string }) => e.page, monoid: count }
const clicks = pipeline(clicksDefinition)
const decoder = schemaDecoder(Click)
const pages = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ page: `p${(i + offset) % 3}` }))

const shard = (n: number) => `shardId-${String(n).padStart(12, "0")}`

const makeWorld = () => {
  const kinesis = makeFakeKinesis("clicks")
  const state = MemoryState.make()
  const metrics = makeMemoryMetrics()
  const layer = Layer.mergeAll(kinesis.layer, state.layer, Layer.succeed(Metrics, metrics.service))
  const total = () =>
    state.store.control.rows("aggregates").reduce((sum, row) => sum + (row.value as number), 0)
  const checkpoint = (shardId: string) => state.checkpoints.items.get(`views\u0000clicks\u0000${shardId}`)
  return { kinesis, state, metrics, layer, total, checkpoint }
}

const baseConfig: ConsumerConfig = {
  app: "views",
  stream: "clicks",
  startingPosition: "TRIM_HORIZON",
  pollIntervalMs: 100,
  recordsPerCall: 50,
  shardSyncIntervalMs: 1_000
}

/** Runs the consumer until `until` holds, then interrupts it (a graceful shutdown). */
const runUntil = (world: ReturnType<typeof makeWorld>, until: () => boolean, config: Partial<ConsumerConfig> = {}) =>
  driveClock(runConsumer(clicks, decoder, { ...baseConfig, ...config }).pipe(Effect.provide(world.layer)), { until })

const seed = (kinesis: FakeKinesis, shards: number, perShard: number) => {
  for (let i = 0; i < shards; i++) kinesis.addShard(shard(i))
  for (let i = 0; i < shards; i++) kinesis.put(shard(i), pages(perShard, i))
}

describe("runConsumer (scripted Kinesis, memory state)", () => {
  it.effect("reads every shard to exact totals and checkpoints each shard's last sequence", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world.kinesis, 5, 120) // 5 shards: ListShards takes three pages
      const rateGauge = `clicks:records_per_second:${shard(0)}`
      yield* runUntil(
        world,
        () => world.total() === 600 && world.checkpoint(shard(4))?.sequence === "5000120" && rateGauge in world.metrics.snapshot().gauges
      )
      expect(world.total()).toBe(600)
      for (let i = 0; i < 5; i++) expect(world.checkpoint(shard(i))?.sequence).toBe(String((i + 1) * 1_000_000 + 120))
      const gauges = world.metrics.snapshot().gauges
      expect(Object.keys(gauges)).toEqual(expect.arrayContaining([
        `clicks:millis_behind_latest:${shard(0)}`,
        `clicks:seconds_since_checkpoint:${shard(0)}`,
        rateGauge
      ]))
    }))

  it.effect("never checkpoints past a record whose commit failed, and retries it until it commits", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world.kinesis, 1, 30)
      let failing = true
      world.state.store.control.commitFaults.setHook(() => (failing ? { phase: "before" } : undefined))
      yield* runUntil(world, () => world.state.store.control.commitCalls() > 20)
      expect(world.total()).toBe(0)
      expect(world.checkpoint(shard(0))).toBeUndefined()
      failing = false
      yield* runUntil(world, () => world.total() === 30 && world.checkpoint(shard(0)) !== undefined)
      expect(world.total()).toBe(30)
      expect(world.checkpoint(shard(0))?.sequence).toBe("1000030")
      expect(world.metrics.counter("clicks:consumer_batch_retry")).toBeGreaterThan(0)
    }))

  it.effect("restarts after its checkpoint: stopping mid-stream and restarting counts everything once", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world.kinesis, 3, 400)
      // Half the commits land after their write (lost responses), so interruption finds retries in flight.
      world.state.store.control.commitFaults.setHook((call) => (call % 2 === 0 ? { phase: "after" } : undefined))
      for (let stop = 150; stop < 1200; stop += 250) {
        yield* runUntil(world, () => world.total() >= stop)
      }
      world.state.store.control.commitFaults.clear()
      yield* runUntil(world, () => world.total() >= 1200 && world.checkpoint(shard(2))?.sequence === "3000400")
      expect(world.total()).toBe(1200)
    }))

  it.effect("shutdown lands between batches, never between a commit and its checkpoint (at-least-once shows it)", () =>
    Effect.gen(function*() {
      // No fence and no claims: a batch re-read after a commit without its checkpoint would count twice.
      const atLeastOnce = pipeline({ ...clicksDefinition, delivery: "at-least-once" })
      const world = makeWorld()
      seed(world.kinesis, 3, 300)
      // Commits take 10 to 40 ms by row, so a batch's rows land at different times and
      // interruptions arrive while some of its rows are committed and others in flight.
      const slowStore = Layer.effect(
        Store,
        Effect.map(Store, (store) => ({ ...store, commit: (request) =>
          Effect.zipRight(Effect.sleep(10 + 15 * Number(request.key.entity.slice(1))), store.commit(request)) }))
      ) as Layer.Layer<Store, never, Store>
      const layer = Layer.provideMerge(slowStore, world.layer)
      const run = (until: () => boolean) =>
        driveClock(runConsumer(atLeastOnce, decoder, { ...baseConfig, recordsPerCall: 20 }).pipe(Effect.provide(layer)), {
          until,
          stepMs: 7
        })
      let stops = 0
      for (let stop = 40; stop < 900; stop += 97) {
        yield* run(() => world.total() >= stop)
        stops++
      }
      yield* run(() => world.total() >= 900 && world.checkpoint(shard(2))?.sequence === "3000300")
      expect(stops).toBeGreaterThan(8)
      expect(world.total()).toBe(900)
    }))

  it.effect("reads parents to the end before their children (split, then merge), with exact totals", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      const { kinesis } = world
      // 0 splits into 1 and 2; 1 and 2 merge into 3. Shard 4 is an unrelated open shard.
      seedSplitThenMerge(kinesis, pages)
      kinesis.addShard(shard(4))
      kinesis.put(shard(4), pages(20))
      const events: Array<string> = []
      const record = (event: ShardEvent) => Effect.sync(() => void events.push(`${event._tag}:${event.shardId}`))
      yield* runUntil(world, () => world.total() === 300, { onShardEvent: record })
      expect(world.total()).toBe(300)
      expectParentsFirst(events)
      for (const i of [0, 1, 2]) expect(world.checkpoint(shard(i))?.finished).toBe(true)
      expect(world.checkpoint(shard(3))?.finished).toBe(false)

      // A restart never reads a finished shard again.
      const callsBefore = kinesis.calls.length
      yield* runUntil(world, () => kinesis.calls.slice(callsBefore).some((c) => c.shardId === shard(3)))
      expect(kinesis.calls.slice(callsBefore).filter((c) => [shard(0), shard(1), shard(2)].includes(c.shardId))).toEqual([])
      expect(world.total()).toBe(300)
    }))

  it.effect("under LATEST, skips closed shards it never read and starts open ones at their tip", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      const { kinesis } = world
      kinesis.addShard(shard(0))
      kinesis.put(shard(0), pages(40))
      kinesis.close(shard(0))
      kinesis.addShard(shard(1), [shard(0)])
      kinesis.put(shard(1), pages(30))
      const started: Array<string> = []
      let added = false
      yield* runUntil(world, () => {
        // Once shard 1 is being polled (its LATEST iterator exists), new records arrive.
        if (!added && kinesis.calls.some((c) => c.shardId === shard(1))) {
          kinesis.put(shard(1), pages(7))
          added = true
        }
        return world.total() >= 7
      }, {
        startingPosition: "LATEST",
        onShardEvent: (event) => Effect.sync(() => void (event._tag === "ShardStarted" && started.push(event.shardId)))
      })
      expect(world.total()).toBe(7)
      expect(started).toEqual([shard(1)])
      expect(world.checkpoint(shard(0))).toBeUndefined()
    }))

  it.effect("publishes per-shard progress", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      seed(world.kinesis, 2, 30)
      world.kinesis.close(shard(1))
      const progress = yield* makeProgress
      yield* runUntil(world, () => world.total() === 60 && world.checkpoint(shard(1))?.finished === true, { progress })
      const snapshot = yield* progress.get
      expect(snapshot.shards[shard(0)]).toMatchObject({ recordsProcessed: 30, lastSequence: "1000030", finished: false })
      expect(snapshot.shards[shard(1)]).toMatchObject({ recordsProcessed: 30, lastSequence: "2000030", finished: true })
    }))

  it.effect("fails with a typed InvalidConfig before touching Kinesis", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      const error = yield* runConsumer(clicks, decoder, { ...baseConfig, recordsPerCall: 20_000 }).pipe(
        Effect.provide(world.layer),
        Effect.flip
      )
      expect(error._tag).toBe("InvalidConfig")
      expect(world.kinesis.calls).toEqual([])
    }))
})
