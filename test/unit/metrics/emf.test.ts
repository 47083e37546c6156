import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"
import {
  emfMaxSamplesPerFlush,
  flushMetrics,
  layerEmf,
  Metrics,
  MetricsFlush,
  periodicFlush
} from "../../../src/metrics/index.js"
import { emfProblems } from "./emfSchema.js"

type Doc = Record<string, unknown> & {
  _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: Array<Array<string>>; Metrics: Array<{ Name: string; Unit: string }> }> }
}

const capture = (options: Parameters<typeof layerEmf>[0] = {}) => {
  const lines: Array<string> = []
  const layer = layerEmf({ namespace: "test-ns", ...options, sink: (line) => lines.push(line) })
  const docs = () => lines.map((line) => JSON.parse(line) as Doc)
  return { lines, layer, docs }
}

const find = (docs: ReadonlyArray<Doc>, dimensions: Record<string, string>) =>
  docs.filter((doc) => Object.entries(dimensions).every(([k, v]) => doc[k] === v) &&
    doc._aws.CloudWatchMetrics[0]!.Dimensions[0]!.length === Object.keys(dimensions).length)

describe("layerEmf", () => {
  it.effect("writes the recorded metrics as EMF documents, one per set of dimension values, valid against the spec", () => {
    const { docs, layer, lines } = capture({ defaultDimensions: { service: "orders" } })
    return Effect.gen(function*() {
      const metrics = yield* Metrics
      yield* TestClock.setTime(1_700_000_000_000)
      yield* metrics.increment("page-views", 7)
      yield* metrics.increment("page-views", 3)
      yield* metrics.increment("page-views:retry")
      yield* metrics.increment("page-views:dedup_skip", 2)
      yield* metrics.increment("page-views:dead_letter")
      yield* metrics.increment("page-views:decode_error", 4)
      yield* metrics.latency("page-views", "store_merge", 12.5)
      yield* metrics.latency("page-views", "store_merge", 3)
      yield* metrics.gauge("page-views:records_per_second:shardId-000000000001", 40)
      yield* metrics.gauge("page-views:records_per_second:shardId-000000000001", 50)
      yield* metrics.gauge("page-views:millis_behind_latest:shardId-000000000001", 900)
      yield* metrics.error("page-views:cache", new Error("redis down"))
      yield* metrics.error("page-views:cache", "again")
      expect(lines).toEqual([]) // nothing before the flush
      yield* flushMetrics

      for (const line of lines) expect(emfProblems(line)).toEqual([])
      const all = docs()
      expect(all.every((doc) => doc._aws.Timestamp === 1_700_000_000_000 && doc.service === "orders")).toBe(true)
      expect(all.every((doc) => doc._aws.CloudWatchMetrics[0]!.Namespace === "test-ns")).toBe(true)

      const [pipelineDoc] = find(all, { service: "orders", pipeline: "page-views" })
      expect(pipelineDoc).toMatchObject({
        records_merged: 10,
        retry: 1,
        dedup_skip: 2,
        dead_letter: 1,
        decode_error: 4,
        store_merge: [12.5, 3]
      })
      const definitions = Object.fromEntries(pipelineDoc!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit]))
      expect(definitions).toEqual({
        records_merged: "Count",
        retry: "Count",
        dedup_skip: "Count",
        dead_letter: "Count",
        decode_error: "Count",
        store_merge: "Milliseconds"
      })
      expect(pipelineDoc!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([["service", "pipeline"]])

      const [shardDoc] = find(all, { service: "orders", pipeline: "page-views", shard: "shardId-000000000001" })
      expect(shardDoc).toMatchObject({ records_per_second: 50, millis_behind_latest: 900 })
      expect(Object.fromEntries(shardDoc!._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit]))).toEqual({
        records_per_second: "Count/Second",
        millis_behind_latest: "Milliseconds"
      })

      const [errorDoc] = find(all, { service: "orders", pipeline: "page-views", error: "cache" })
      expect(errorDoc).toMatchObject({ errors: 2 })
      expect(JSON.stringify(all)).not.toContain("redis down") // messages never become metrics
      expect(all).toHaveLength(3)

      // A flush writes what was recorded since the previous one.
      lines.length = 0
      yield* flushMetrics
      expect(lines).toEqual([])
      yield* metrics.increment("page-views", 1)
      yield* flushMetrics
      expect(docs()).toHaveLength(1)
      expect(docs()[0]).toMatchObject({ records_merged: 1 })
      expect(docs()[0]).not.toHaveProperty("retry")
    }).pipe(Effect.provide(layer))
  })

  it.effect("splits at 100 metrics per directive and 100 values per metric", () => {
    const { docs, layer, lines } = capture()
    return Effect.gen(function*() {
      const metrics = yield* Metrics
      for (let i = 0; i < 150; i++) yield* metrics.increment(`p:custom_${i}`)
      for (let i = 0; i < 250; i++) yield* metrics.latency("p", "store_merge", i)
      yield* flushMetrics
      for (const line of lines) expect(emfProblems(line)).toEqual([])
      const all = docs()
      const counted = all.flatMap((doc) => doc._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name))
      expect(new Set(counted.filter((name) => name.startsWith("custom_"))).size).toBe(150)
      const samples = all.flatMap((doc) => (doc.store_merge === undefined ? [] : [doc.store_merge as Array<number>]))
      expect(samples.map((values) => values.length)).toEqual([100, 100, 50])
      expect(samples.flat()).toEqual(Array.from({ length: 250 }, (_, i) => i))
      expect(all.every((doc) => doc._aws.CloudWatchMetrics[0]!.Metrics.length <= 100)).toBe(true)
    }).pipe(Effect.provide(layer))
  })

  it.effect("keeps at most emfMaxSamplesPerFlush latency samples per series between flushes", () => {
    const { docs, layer } = capture()
    return Effect.gen(function*() {
      const metrics = yield* Metrics
      for (let i = 0; i < emfMaxSamplesPerFlush + 5; i++) yield* metrics.latency("p", "op", 1)
      yield* flushMetrics
      const total = docs().reduce((n, doc) => n + (doc.op as Array<number>).length, 0)
      expect(total).toBe(emfMaxSamplesPerFlush)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a name without a pipeline gets no pipeline dimension", () => {
    const { docs, layer, lines } = capture()
    return Effect.gen(function*() {
      yield* (yield* Metrics).error("consumer:stale_checkpoint:shardId-000000000003", "lost")
      yield* flushMetrics
      expect(emfProblems(lines[0]!)).toEqual([])
      expect(docs()[0]!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([["shard", "error"]])
      expect(docs()[0]).toMatchObject({ shard: "shardId-000000000003", error: "stale_checkpoint", errors: 1 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("periodicFlush flushes every interval and once more when its scope closes", () => {
    const { layer, lines } = capture({ flushIntervalMs: 10_000 })
    return Effect.gen(function*() {
      const metrics = yield* Metrics
      const fiber = yield* Effect.fork(Effect.scoped(Effect.zipRight(periodicFlush, Effect.never)))
      yield* metrics.increment("p", 1)
      yield* TestClock.adjust(Duration.millis(9_999))
      expect(lines).toHaveLength(0)
      yield* TestClock.adjust(Duration.millis(1))
      expect(lines).toHaveLength(1)
      yield* metrics.increment("p", 2)
      yield* TestClock.adjust(Duration.millis(10_000))
      expect(lines).toHaveLength(2)
      yield* metrics.increment("p", 3)
      yield* Fiber.interrupt(fiber)
      expect(lines).toHaveLength(3)
      expect(lines.map((line) => (JSON.parse(line) as Doc).records_merged)).toEqual([1, 2, 3])
    }).pipe(Effect.provide(layer))
  })

  it.effect("flushMetrics and periodicFlush do nothing without MetricsFlush", () =>
    Effect.gen(function*() {
      yield* flushMetrics
      yield* Effect.scoped(periodicFlush)
      expect(yield* Effect.serviceOption(MetricsFlush)).toMatchObject({ _tag: "None" })
    }).pipe(Effect.provide(Layer.empty)))

  it("the schema rejects what the specification forbids", () => {
    const ok = { _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: "n", Dimensions: [["d"]], Metrics: [{ Name: "m", Unit: "Count" }] }] }, d: "x", m: 1 }
    expect(emfProblems(JSON.stringify(ok))).toEqual([])
    const broken = (f: (doc: typeof ok & Record<string, unknown>) => void) => {
      const doc = structuredClone(ok) as typeof ok & Record<string, unknown>
      f(doc)
      return emfProblems(JSON.stringify(doc))
    }
    expect(broken((doc) => void (doc._aws.CloudWatchMetrics[0]!.Metrics[0]!.Unit = "Furlongs"))).not.toEqual([])
    expect(broken((doc) => void delete (doc._aws as Partial<typeof ok._aws>).Timestamp)).not.toEqual([])
    expect(broken((doc) => void (doc.m = "1" as unknown as number))).not.toEqual([])
    expect(broken((doc) => void (doc.d = 5 as unknown as string))).not.toEqual([])
    expect(broken((doc) => void delete (doc as Partial<typeof ok>).m)).not.toEqual([])
    expect(broken((doc) => void (doc.m = Array.from({ length: 101 }, () => 1) as unknown as number))).not.toEqual([])
  })
})
