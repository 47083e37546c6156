import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Stream from "effect/Stream"
import type { KinesisError } from "../../../src/errors.js"
import { consumerConfig } from "../../../src/kinesis/consumer/config.js"
import { type ShardBatch, shardRecords } from "../../../src/kinesis/consumer/shardRecords.js"
import { trimHorizon } from "../../../src/kinesis/stream/position.js"
import { driveClock } from "./clock.js"
import { makeFakeKinesis } from "./fakeKinesis.js"

const shardId = "shardId-000000000000"

const setup = (overrides: { recordsPerCall?: number; onGetRecordsError?: (shardId: string, error: KinesisError) => Effect.Effect<void> } = {}) => {
  const kinesis = makeFakeKinesis("clicks")
  kinesis.addShard(shardId)
  const config = Either.getOrThrow(consumerConfig({ app: "views", stream: "clicks", pollIntervalMs: 1000, ...overrides }))
  return { kinesis, config }
}

const collect = (stream: Stream.Stream<ShardBatch, never, never>, take: number) =>
  driveClock(Stream.runCollect(Stream.take(stream, take)).pipe(Effect.map(Chunk.toReadonlyArray))).pipe(
    Effect.map(Option.getOrThrow)
  )

const sequencesOf = (batches: ReadonlyArray<ShardBatch>) => batches.flatMap((b) => b.records.map((r) => r.sequence))

describe("shardRecords", () => {
  it.effect("emits one batch per GetRecords response, in order, with stream/shard/sequence event ids", () =>
    Effect.gen(function*() {
      const { kinesis, config } = setup({ recordsPerCall: 3 })
      const sequences = kinesis.put(shardId, Array.from({ length: 7 }, (_, i) => ({ n: i })))
      kinesis.close(shardId)
      const batches = yield* collect(shardRecords(config, shardId, trimHorizon).pipe(Stream.provideLayer(kinesis.layer)), 100)
      expect(batches.map((b) => b.records.length)).toEqual([3, 3, 1, 0])
      expect(sequencesOf(batches)).toEqual(sequences)
      expect(batches[0]!.records[0]!.eventId).toBe(`clicks/${shardId}/${sequences[0]}`)
      expect(batches.map((b) => b.ended)).toEqual([false, false, false, true])
      expect(batches[2]!.lastSequence).toBe(sequences[6])
      expect(batches[3]!.lastSequence).toBeUndefined()
    }))

  it.effect("calls GetRecords at most every 200 ms, and waits the poll interval after an empty response", () =>
    Effect.gen(function*() {
      const { kinesis, config } = setup({ recordsPerCall: 2 })
      kinesis.put(shardId, [1, 2, 3, 4, 5])
      yield* collect(shardRecords(config, shardId, trimHorizon).pipe(Stream.provideLayer(kinesis.layer)), 6)
      const times = kinesis.calls.map((c) => c.at)
      const gaps = times.slice(1).map((t, i) => t - times[i]!)
      expect(kinesis.calls.map((c) => c.returned)).toEqual([2, 2, 1, 0, 0, 0])
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(200)
      // After each empty response (calls 4 and 5) the next call waits the poll interval.
      expect(gaps[3]).toBeGreaterThanOrEqual(1000)
      expect(gaps[4]).toBeGreaterThanOrEqual(1000)
      expect(gaps[0]).toBeLessThan(1000)
    }))

  it.effect("replaces an expired iterator with one after the last emitted record: nothing lost or repeated", () =>
    Effect.gen(function*() {
      const { kinesis, config } = setup({ recordsPerCall: 2 })
      const sequences = kinesis.put(shardId, [1, 2, 3, 4, 5])
      kinesis.close(shardId)
      const stream = shardRecords(config, shardId, trimHorizon).pipe(
        Stream.tap((batch) => Effect.sync(() => batch.lastSequence === sequences[1] && kinesis.expireIterators())),
        Stream.provideLayer(kinesis.layer)
      )
      const batches = yield* collect(stream, 100)
      expect(sequencesOf(batches)).toEqual(sequences)
      expect(kinesis.calls.some((c) => c.returned === -1)).toBe(true)
      expect(kinesis.iteratorRequests).toEqual([
        { shardId, type: "TRIM_HORIZON" },
        { shardId, type: "AFTER_SEQUENCE_NUMBER", sequence: sequences[1] }
      ])
    }))

  it.effect("an iterator that expires before any record is re-requested at the start position", () =>
    Effect.gen(function*() {
      const { kinesis, config } = setup()
      const sequences = kinesis.put(shardId, [1, 2])
      kinesis.setFault((_, call) => (call === 1 ? "expired-iterator" : undefined))
      const batches = yield* collect(shardRecords(config, shardId, trimHorizon).pipe(Stream.provideLayer(kinesis.layer)), 1)
      expect(sequencesOf(batches)).toEqual(sequences)
      expect(kinesis.iteratorRequests.map((r) => r.type)).toEqual(["TRIM_HORIZON", "TRIM_HORIZON"])
    }))

  it.effect("backs off exponentially on throttling, without calling the error callback", () =>
    Effect.gen(function*() {
      const reported: Array<string> = []
      const { kinesis, config } = setup({
        onGetRecordsError: (shard) => Effect.sync(() => void reported.push(shard))
      })
      kinesis.put(shardId, [1])
      kinesis.setFault((_, call) => (call <= 3 ? "throttled" : undefined))
      // Random fixed near 1: each full-jitter delay is just under its ceiling (200, 400, 800 ms).
      const batches = yield* collect(
        shardRecords(config, shardId, trimHorizon).pipe(Stream.provideLayer(kinesis.layer)),
        1
      ).pipe(Effect.withRandom(Random.fixed([0.999])))
      expect(batches[0]!.records).toHaveLength(1)
      const times = kinesis.calls.map((c) => c.at)
      expect(kinesis.calls.map((c) => c.returned)).toEqual([-1, -1, -1, 1])
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(200)
      expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(399)
      expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(799)
      expect(times[3]! - times[2]!).toBeLessThan(1600)
      expect(reported).toEqual([])
    }))

  it.effect("reports other errors to the callback and keeps trying", () =>
    Effect.gen(function*() {
      const reported: Array<[string, string]> = []
      const { kinesis, config } = setup({
        onGetRecordsError: (shard, error) => Effect.sync(() => void reported.push([shard, error.reason]))
      })
      kinesis.put(shardId, [1])
      kinesis.setFault((_, call) => (call <= 2 ? "other" : undefined))
      const batches = yield* collect(shardRecords(config, shardId, trimHorizon).pipe(Stream.provideLayer(kinesis.layer)), 1)
      expect(batches[0]!.records).toHaveLength(1)
      expect(reported).toEqual([[shardId, "other"], [shardId, "other"]])
    }))
})
