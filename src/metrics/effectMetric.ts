/**
 * Metrics recorded with Effect's `Metric`, so any Effect metrics exporter (OpenTelemetry,
 * Prometheus) sees them: one counter per name, a gauge per name, `murmur_errors` tagged by name,
 * and the histogram `murmur_latency_ms` tagged by pipeline and op.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import { Metrics, type MetricsService } from "./Metrics.js"

/** Latency buckets: 1 ms doubling to about 16 s. */
const latencyBoundaries = MetricBoundaries.exponential({ start: 1, factor: 2, count: 15 })

const latencyHistogram = Metric.histogram("murmur_latency_ms", latencyBoundaries, "commit and cache latencies")
const errorCounter = Metric.counter("murmur_errors", { description: "errors recorded without failing", incremental: true })

/**
 * A metrics service over Effect `Metric`s. Counters are created once per name and reused.
 *
 * @example
 * const snapshot = Metric.value(Metric.counter("page-views", { incremental: true }))
 */
export const makeEffectMetrics = (): MetricsService => {
  const counters = new Map<string, Metric.Metric.Counter<number>>()
  const gauges = new Map<string, Metric.Metric.Gauge<number>>()
  const counterOf = (name: string) => {
    let counter = counters.get(name)
    if (counter === undefined) {
      counter = Metric.counter(name, { incremental: true })
      counters.set(name, counter)
    }
    return counter
  }
  const gaugeOf = (name: string) => {
    let gauge = gauges.get(name)
    if (gauge === undefined) {
      gauge = Metric.gauge(name)
      gauges.set(name, gauge)
    }
    return gauge
  }
  return {
    increment: (name, by = 1) => Metric.incrementBy(counterOf(name), by),
    gauge: (name, value) => Metric.set(gaugeOf(name), value),
    error: (name) => Metric.increment(Metric.tagged(errorCounter, "name", name)),
    latency: (pipeline, op, millis) =>
      Metric.update(Metric.tagged(Metric.tagged(latencyHistogram, "pipeline", pipeline), "op", op), millis).pipe(
        Effect.asVoid
      )
  }
}

/** Provides `Metrics` recorded as Effect `Metric`s. */
export const layerEffectMetric: Layer.Layer<Metrics> = Layer.sync(Metrics, makeEffectMetrics)
