/**
 * The in-memory snapshot regrouped for people and dashboards: per pipeline, then per shard.
 * Error messages stay out (they may carry store text); the logs have them.
 */
import type { LatencySummary, MetricsSnapshot } from "./memory.js"
import { type MetricKind, parseLatencyKey, parseMetricName, standardCounters } from "./names.js"

/** Counters, gauges and error counts of one scope (a pipeline, a shard, or nothing). */
export interface ScopeMetrics {
  readonly counters: Record<string, number>
  readonly gauges: Record<string, number>
  /** Metric → how many errors were recorded under it. */
  readonly errors: Record<string, number>
}

/** A scope that also has shards. */
export interface ShardedMetrics extends ScopeMetrics {
  readonly shards: Record<string, ScopeMetrics>
}

/** One pipeline: its own metrics, its latencies by op (ms), and its shards. */
export interface PipelineMetrics extends ShardedMetrics {
  readonly latencies: Record<string, LatencySummary>
}

/** The JSON snapshot served next to the Prometheus text. */
export interface MetricsJson {
  readonly pipelines: Record<string, PipelineMetrics>
  /** Names without a pipeline (such as `consumer:stale_checkpoint:<shard>`). */
  readonly unscoped: ShardedMetrics
}

const emptyScope = (): ScopeMetrics => ({ counters: {}, gauges: {}, errors: {} })
const emptySharded = (): ShardedMetrics => ({ ...emptyScope(), shards: {} })

const sortKeys = <A>(record: Record<string, A>, f: (a: A) => A = (a) => a): Record<string, A> =>
  Object.fromEntries(Object.keys(record).sort().map((key) => [key, f(record[key]!)]))

const sortScope = <S extends ScopeMetrics>(scope: S): S => ({
  ...scope,
  counters: sortKeys(scope.counters),
  gauges: sortKeys(scope.gauges),
  errors: sortKeys(scope.errors)
})

/**
 * Regroups a snapshot by pipeline and shard, with key order sorted so equal snapshots give equal
 * JSON. Every pipeline lists the standard counters (`records_merged`, `retry`, `dedup_skip`,
 * `dead_letter`, `decode_error`), 0 when never counted.
 *
 * @example
 * const snapshot = yield* (yield* MetricsSnapshots).snapshot
 * JSON.stringify(metricsJson(snapshot)) // { "pipelines": { "page-views": { "counters": { "records_merged": 120, ... } } } }
 */
export const metricsJson = (snapshot: MetricsSnapshot): MetricsJson => {
  const pipelines: Record<string, PipelineMetrics> = {}
  const unscoped = emptySharded()
  const pipelineOf = (name: string): PipelineMetrics => {
    let pipeline = pipelines[name]
    if (pipeline === undefined) {
      pipeline = { ...emptySharded(), latencies: {} }
      for (const counter of standardCounters) pipeline.counters[counter] = 0
      pipelines[name] = pipeline
    }
    return pipeline
  }
  const place = (name: string, kind: MetricKind, value: number) => {
    const { metric, pipeline, shard } = parseMetricName(name, kind)
    const owner = pipeline === undefined ? unscoped : pipelineOf(pipeline)
    const scope = shard === undefined ? owner : (owner.shards[shard] ??= emptyScope())
    const table = kind === "counter" ? scope.counters : kind === "gauge" ? scope.gauges : scope.errors
    table[metric] = (kind === "gauge" ? 0 : table[metric] ?? 0) + value
  }
  for (const [name, value] of Object.entries(snapshot.counters)) place(name, "counter", value)
  for (const [name, value] of Object.entries(snapshot.gauges)) place(name, "gauge", value)
  for (const [name, error] of Object.entries(snapshot.errors)) place(name, "error", error.count)
  for (const [key, summary] of Object.entries(snapshot.latencies)) {
    const { op, pipeline } = parseLatencyKey(key)
    pipelineOf(pipeline).latencies[op] = summary
  }
  const sortSharded = <S extends ShardedMetrics>(scope: S): S => ({
    ...sortScope(scope),
    shards: sortKeys(scope.shards, sortScope)
  })
  return {
    pipelines: sortKeys(pipelines, (pipeline) => ({ ...sortSharded(pipeline), latencies: sortKeys(pipeline.latencies) })),
    unscoped: sortSharded(unscoped)
  }
}
