/**
 * The consumer's dead-letter policy on a scripted Kinesis and the memory store: a record that can
 * never succeed (here a `combine` that throws on 13: the store refuses it for good) never holds
 * its shard. Under "skip" (default) it reaches `onDeadLetter`, `<pipeline>:dead_letter` and one
 * log line, and the checkpoint passes it; under "stop" the shard is checkpointed just before it
 * and read no further. Transient failures (and a callback that fails) keep their backoff.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Schema from "effect/Schema"
import { type ConsumerConfig, runConsumer, runWorker, type ShardEvent } from "../../../src/kinesis/consumer/index.js"
import type { DeadLetter } from "../../../src/kinesis/deadLetter.js"
import { makeMemoryMetrics, Metrics } from "../../../src/metrics/index.js"
import { custom } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/index.js"
import { type LeaseRow, Leases } from "../../../src/state/Leases.js"
import { MemoryLeases, MemoryState } from "../../../src/state/memory/index.js"
import { driveClock } from "./clock.js"
import { makeFakeKinesis } from "./fakeKinesis.js"

const Score = Schema.Struct({ page: Schema.String, n: Schema.Number })
type Score = typeof Score.Type
// 13 can never be combined: the store refuses that contribution for good (StoreError "defect").
const unlucky = custom<number>({
  name: "unlucky",
  empty: 0,
  combine: (left, right) => {
    if (left === 13 || right === 13) throw new RangeError("unlucky 13")
    return left + right
  },
  additive: true,
  commutative: true
})
const scores = pipeline<Score, number>({ name: "scores", store: "aggregates", key: (e) => e.page, value: (e) => e.n, monoid: unlucky })
const decoder = schemaDecoder(Score)

const shard = (n: number) => `shardId-${String(n).padStart(12, "0")}`

interface LogLine {
  readonly level: string
  readonly message: unknown
  readonly annotations: Record<string, unknown>
}

const makeWorld = () => {
  const kinesis = makeFakeKinesis("scores")
  const state = MemoryState.make()
  const metrics = makeMemoryMetrics()
  const logs: Array<LogLine> = []
  const logger = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ annotations, logLevel, message }) =>
      void logs.push({ level: logLevel.label, message, annotations: Object.fromEntries(HashMap.toEntries(annotations)) })
    )
  )
  const layer = Layer.mergeAll(kinesis.layer, state.layer, Layer.succeed(Metrics, metrics.service), logger)
  const totals = () => Object.fromEntries(state.store.control.rows("aggregates").map((row) => [row.key.entity, row.value]))
  const checkpoint = (shardId: string) => state.checkpoints.items.get(`views\u0000scores\u0000${shardId}`)
  return { kinesis, state, metrics, logs, layer, totals, checkpoint }
}
type World = ReturnType<typeof makeWorld>

const baseConfig: ConsumerConfig = {
  app: "views",
  stream: "scores",
  startingPosition: "TRIM_HORIZON",
  pollIntervalMs: 100,
  recordsPerCall: 4,
  shardSyncIntervalMs: 1_000
}

const runUntil = (world: World, until: () => boolean, config: Partial<ConsumerConfig> = {}) =>
  driveClock(runConsumer(scores, decoder, { ...baseConfig, ...config }).pipe(Effect.provide(world.layer)), { until })

// Two bad records (one coalesced with good ones of the same row, one alone in its batch of 4),
// good records of the same key before and after each.
const events: ReadonlyArray<Score> = [
  { page: "a", n: 1 },
  { page: "a", n: 13 },
  { page: "a", n: 2 },
  { page: "b", n: 5 },
  { page: "b", n: 13 },
  { page: "a", n: 3 },
  { page: "b", n: 1 },
  { page: "c", n: 7 }
]
const goodTotals = { a: 6, b: 6, c: 7 }

const deadLetterLogs = (world: World) => world.logs.filter((line) => line.annotations["deadLetter"] !== undefined)

describe("the consumer's dead-letter policy", () => {
  it.effect("skips (default): each bad record reaches onDeadLetter, the metric and one log line; the checkpoint passes it", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      world.kinesis.addShard(shard(0))
      const sequences = world.kinesis.put(shard(0), events)
      const letters: Array<DeadLetter> = []
      yield* runUntil(world, () => world.checkpoint(shard(0))?.sequence === sequences[7], {
        onDeadLetter: (letter) => void letters.push(letter)
      })
      expect(world.totals()).toEqual(goodTotals)
      expect(letters.map((letter) => letter.record.sequence)).toEqual([sequences[1], sequences[4]])
      expect(letters.map((letter) => [letter.pipeline, letter.shardId, letter.error._tag])).toEqual([
        ["scores", shard(0), "StoreError"],
        ["scores", shard(0), "StoreError"]
      ])
      expect(world.metrics.counter("scores:dead_letter")).toBe(2)
      // Nothing was retried: a dead letter is not a transient failure.
      expect(world.metrics.counter("scores:consumer_batch_retry")).toBe(0)
      const lines = deadLetterLogs(world)
      expect(lines.map((line) => line.annotations["firstSequence"])).toEqual([sequences[1], sequences[4]])
      for (const line of lines) {
        expect(line.level).toBe("ERROR")
        expect(line.annotations).toMatchObject({ pipeline: "scores", shard: shard(0), records: 1, error: "StoreError" })
        expect(String(line.annotations["errorMessage"])).toContain("unlucky 13")
        // No payload: neither the key nor the value of the record.
        expect(JSON.stringify(line)).not.toContain("\"page\"")
      }
    }))

  it.effect("a failing onDeadLetter keeps the record: retried with backoff, never checkpointed past, applied once when it succeeds", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      world.kinesis.addShard(shard(0))
      const sequences = world.kinesis.put(shard(0), events)
      let failures = 3
      const letters: Array<string | undefined> = []
      const onDeadLetter = (letter: DeadLetter) => {
        if (failures-- > 0) throw new Error("dead-letter queue unavailable")
        letters.push(letter.record.sequence)
      }
      yield* runUntil(world, () => world.checkpoint(shard(0))?.sequence === sequences[7], { onDeadLetter })
      expect(world.totals()).toEqual(goodTotals)
      expect(letters).toEqual([sequences[1], sequences[4]])
      expect(world.metrics.counter("scores:dead_letter")).toBe(2)
      expect(world.metrics.counter("scores:consumer_batch_retry")).toBe(3)
    }))

  it.effect("stops the shard under \"stop\": checkpointed just before the bad record, ShardStopped, children wait, no retry loop", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      world.kinesis.addShard(shard(0))
      const sequences = world.kinesis.put(shard(0), events)
      world.kinesis.close(shard(0))
      world.kinesis.addShard(shard(1), [shard(0)])
      world.kinesis.put(shard(1), [{ page: "child", n: 1 }])
      const shardEvents: Array<ShardEvent> = []
      let called = 0
      const config: Partial<ConsumerConfig> = {
        deadLetter: "stop",
        onDeadLetter: () => void called++,
        onShardEvent: (event) => Effect.sync(() => void shardEvents.push(event))
      }
      yield* runUntil(world, () => shardEvents.some((event) => event._tag === "ShardStopped"), config)
      // Run again for 30 simulated seconds: it stops at the same record, then nothing moves (no retries, no child).
      const callsAfterStop = world.state.store.control.commitCalls()
      let steps = 0
      yield* runUntil(world, () => ++steps > 600, config)
      expect(world.totals()).toEqual({ a: 1 })
      expect(world.checkpoint(shard(0))).toMatchObject({ sequence: sequences[0], finished: false })
      expect(world.checkpoint(shard(1))).toBeUndefined()
      expect(shardEvents.filter((event) => event.shardId === shard(1))).toEqual([])
      const stops = shardEvents.filter((event) => event._tag === "ShardStopped")
      // Stopped once in each run, always at the same record.
      expect(stops).toHaveLength(2)
      for (const stop of stops) expect(stop).toMatchObject({ shardId: shard(0), sequence: sequences[1], error: { _tag: "StoreError" } })
      expect(world.state.store.control.commitCalls() - callsAfterStop).toBeLessThanOrEqual(2)
      expect(called).toBe(0)
      expect(world.metrics.counter("scores:dead_letter")).toBe(0)
      expect(world.metrics.counter("scores:consumer_batch_retry")).toBe(0)
      expect(deadLetterLogs(world).map((line) => line.annotations["firstSequence"])).toEqual([sequences[1], sequences[1]])

      // Restarted with "skip", the shard goes on from its checkpoint, then its child.
      yield* runUntil(world, () => world.checkpoint(shard(1))?.sequence !== undefined)
      expect(world.totals()).toEqual({ ...goodTotals, child: 1 })
      expect(world.checkpoint(shard(0))?.finished).toBe(true)
    }))

  it.effect("a leased worker under \"stop\" keeps the lease of the stopped shard, so no other worker reads past the record", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      world.kinesis.addShard(shard(0))
      const sequences = world.kinesis.put(shard(0), events)
      const leases = MemoryLeases.make()
      let stopped = 0
      let steps = 0
      let row: LeaseRow | undefined
      yield* driveClock(
        runWorker(scores, decoder, {
          ...baseConfig,
          workerId: "w1",
          leaseDurationMs: 3_000,
          leaseRenewMs: 1_000,
          deadLetter: "stop",
          onShardEvent: (event) => Effect.sync(() => void (event._tag === "ShardStopped" && stopped++))
        }).pipe(Effect.provide(Layer.merge(world.layer, Layer.succeed(Leases, leases.service)))),
        // Ten lease durations after the stop, the lease row as it stands (shutdown releases it).
        { until: () => stopped > 0 && ++steps > 600 && (row = leases.rows("views", "scores").get(shard(0))) !== undefined }
      )
      expect(row).toMatchObject({ owner: "w1", sequence: sequences[0], finished: false })
      // Never released and taken again (which would read up to the record and stop once more).
      expect(stopped).toBe(1)
      expect(world.totals()).toEqual({ a: 1 })
    }))

  it.effect("a transient failure is no dead letter: it keeps its backoff until it commits", () =>
    Effect.gen(function*() {
      const world = makeWorld()
      world.kinesis.addShard(shard(0))
      const sequences = world.kinesis.put(shard(0), events)
      let failing = true
      world.state.store.control.commitFaults.setHook(() => (failing ? { phase: "before" } : undefined))
      yield* runUntil(world, () => world.state.store.control.commitCalls() > 20)
      expect(world.totals()).toEqual({})
      expect(world.checkpoint(shard(0))).toBeUndefined()
      expect(world.metrics.counter("scores:dead_letter")).toBe(0)
      failing = false
      yield* runUntil(world, () => world.checkpoint(shard(0))?.sequence === sequences[7])
      expect(world.totals()).toEqual(goodTotals)
      expect(world.metrics.counter("scores:dead_letter")).toBe(2)
      expect(world.metrics.counter("scores:consumer_batch_retry")).toBeGreaterThan(0)
    }))
})
