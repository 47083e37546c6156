import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricState from "effect/MetricState"
import {
  layerEffectMetric,
  layerMemory,
  layerNoop,
  latencyRingSize,
  makeMemoryMetrics,
  Metrics,
  MetricsSnapshots
} from "../../../src/metrics/index.js"

describe("memory metrics", () => {
  it.effect("counts, gauges, records errors and summarises latencies", () =>
    Effect.gen(function*() {
      const metrics = makeMemoryMetrics()
      const m = metrics.service
      yield* m.increment("p")
      yield* m.increment("p", 4)
      yield* m.increment("p:retry")
      yield* m.gauge("lag", 7)
      yield* m.error("p:cache", new Error("down"))
      yield* m.error("p:cache", "still down")
      for (let i = 1; i <= 100; i++) yield* m.latency("p", "store_merge", i)
      const snapshot = metrics.snapshot()
      expect(snapshot.counters).toEqual({ p: 5, "p:retry": 1 })
      expect(Object.keys(snapshot.counters)).toEqual(["p", "p:retry"])
      expect(snapshot.gauges).toEqual({ lag: 7 })
      expect(snapshot.errors).toEqual({ "p:cache": { count: 2, last: "still down" } })
      expect(snapshot.latencies["p/store_merge"]).toEqual({ count: 100, sum: 5050, p50: 50, p95: 95, p99: 99, max: 100 })
      expect(metrics.counter("unknown")).toBe(0)
    }))

  it.effect("keeps the last 4096 latency samples", () =>
    Effect.gen(function*() {
      const metrics = makeMemoryMetrics()
      for (let i = 0; i < latencyRingSize + 10; i++) yield* metrics.service.latency("p", "op", i < 10 ? 1_000_000 : 1)
      expect(metrics.snapshot().latencies["p/op"]).toMatchObject({ count: latencyRingSize + 10, max: 1 })
    }))

  it.effect("layerMemory exposes its snapshot", () =>
    Effect.gen(function*() {
      yield* (yield* Metrics).increment("x", 2)
      const snapshot = yield* (yield* MetricsSnapshots).snapshot
      expect(snapshot.counters).toEqual({ x: 2 })
    }).pipe(Effect.provide(layerMemory)))

  it.effect("layerNoop accepts everything", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics
      yield* metrics.increment("x")
      yield* metrics.error("x", "e")
      expect(true).toBe(true)
    }).pipe(Effect.provide(layerNoop)))

  it.effect("layerEffectMetric records into Effect Metrics", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics
      yield* metrics.increment("effect-metric-test", 3)
      yield* metrics.increment("effect-metric-test")
      yield* metrics.gauge("effect-metric-gauge", 9)
      yield* metrics.latency("p", "store_merge", 12)
      const counter = yield* Metric.value(Metric.counter("effect-metric-test", { incremental: true }))
      expect(counter.count).toBe(4)
      expect((yield* Metric.value(Metric.gauge("effect-metric-gauge"))).value).toBe(9)
      const pairs = yield* Metric.snapshot
      const histogram = pairs.find((pair) => pair.metricKey.name === "murmur_latency_ms")
      expect(histogram !== undefined && MetricState.isHistogramState(histogram.metricState)).toBe(true)
    }).pipe(Effect.provide(layerEffectMetric)))
})
