/**
 * In-memory metrics with a snapshot, as the Go library's InMemory recorder keeps them: counters,
 * gauges, error counts with the last message, and per (pipeline, op) a ring of 4096 latency samples.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Metrics, type MetricsService } from "./Metrics.js"

/** Percentiles of the kept latency samples, in milliseconds. */
export interface LatencySummary {
  /** Samples recorded in all (not only those kept). */
  readonly count: number
  /** Sum of every recorded sample, in milliseconds (Prometheus summaries need it). */
  readonly sum: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly max: number
}

export interface ErrorSummary {
  readonly count: number
  readonly last: string
}

/** A copy of everything recorded so far. Latencies are keyed `<pipeline>/<op>`. */
export interface MetricsSnapshot {
  readonly counters: Readonly<Record<string, number>>
  readonly gauges: Readonly<Record<string, number>>
  readonly errors: Readonly<Record<string, ErrorSummary>>
  readonly latencies: Readonly<Record<string, LatencySummary>>
}

/** Samples kept per latency series. */
export const latencyRingSize = 4096

class Ring {
  readonly samples: Array<number> = []
  next = 0
  total = 0
  sum = 0
  add(millis: number): void {
    this.sum += millis
    if (this.samples.length < latencyRingSize) this.samples.push(millis)
    else this.samples[this.next] = millis
    this.next = (this.next + 1) % latencyRingSize
    this.total++
  }
  summary(): LatencySummary {
    const sorted = [...this.samples].sort((a, b) => a - b)
    const at = (p: number) => sorted[Math.floor((sorted.length - 1) * p)] ?? 0
    return { count: this.total, sum: this.sum, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 }
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error)

/** Memory metrics: the service and a synchronous snapshot. */
export interface MemoryMetrics {
  readonly service: MetricsService
  readonly snapshot: () => MetricsSnapshot
  /** One counter's value (0 when never incremented). */
  readonly counter: (name: string) => number
}

/**
 * Makes memory metrics.
 *
 * @example
 * const metrics = makeMemoryMetrics()
 * // ... run with Layer.succeed(Metrics, metrics.service)
 * metrics.counter("page-views:dedup_skip")
 */
export const makeMemoryMetrics = (): MemoryMetrics => {
  const counters = new Map<string, number>()
  const gauges = new Map<string, number>()
  const errors = new Map<string, ErrorSummary>()
  const latencies = new Map<string, Ring>()
  const service: MetricsService = {
    increment: (name, by = 1) => Effect.sync(() => void counters.set(name, (counters.get(name) ?? 0) + by)),
    gauge: (name, value) => Effect.sync(() => void gauges.set(name, value)),
    error: (name, error) =>
      Effect.sync(() => void errors.set(name, { count: (errors.get(name)?.count ?? 0) + 1, last: describe(error) })),
    latency: (pipeline, op, millis) =>
      Effect.sync(() => {
        const id = `${pipeline}/${op}`
        let ring = latencies.get(id)
        if (ring === undefined) {
          ring = new Ring()
          latencies.set(id, ring)
        }
        ring.add(millis)
      })
  }
  const sortedRecord = <A, B>(map: Map<string, A>, f: (a: A) => B): Record<string, B> =>
    Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, f(v)]))
  return {
    service,
    counter: (name) => counters.get(name) ?? 0,
    snapshot: () => ({
      counters: sortedRecord(counters, (n) => n),
      gauges: sortedRecord(gauges, (n) => n),
      errors: sortedRecord(errors, (e) => e),
      latencies: sortedRecord(latencies, (ring) => ring.summary())
    })
  }
}

/** Reads the snapshot of the memory metrics provided by `layerMemory`. */
export class MetricsSnapshots extends Context.Tag("murmur/MetricsSnapshots")<
  MetricsSnapshots,
  { readonly snapshot: Effect.Effect<MetricsSnapshot> }
>() {}

/**
 * Fresh memory metrics per build, and a `MetricsSnapshots` service to read them.
 *
 * @example
 * Effect.gen(function* () {
 *   yield* processBatch(pipeline, decoder, records)
 *   const { counters } = yield* (yield* MetricsSnapshots).snapshot
 * }).pipe(Effect.provide(layerMemory))
 */
export const layerMemory: Layer.Layer<Metrics | MetricsSnapshots> = Layer.suspend(() => {
  const metrics = makeMemoryMetrics()
  return Layer.merge(
    Layer.succeed(Metrics, metrics.service),
    Layer.succeed(MetricsSnapshots, { snapshot: Effect.sync(metrics.snapshot) })
  )
})
