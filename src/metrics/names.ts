/**
 * Reads the flat metric names the library records (the Go library's `<pipeline>:<metric>[:<shard>]`)
 * as (pipeline, metric, shard), so CloudWatch, Prometheus and JSON can use dimensions and labels.
 */

/** What a name was recorded as: the bare `<pipeline>` name means records merged only for counters. */
export type MetricKind = "counter" | "gauge" | "error"

/** A flat metric name split into its parts. */
export interface MetricId {
  readonly pipeline: string | undefined
  readonly metric: string
  readonly shard: string | undefined
}

/** The counter recorded under the bare pipeline name. */
export const recordsMerged = "records_merged"

/** Counters every pipeline shows, 0 when never counted. */
export const standardCounters: ReadonlyArray<string> = [recordsMerged, "retry", "dedup_skip", "dead_letter", "decode_error"]

const shardMetrics = [
  "records_per_second",
  "millis_behind_latest",
  "seconds_since_checkpoint",
  "consumer_checkpoint_read",
  "consumer_batch",
  "stale_checkpoint"
]
const pipelineMetrics = [...standardCounters.slice(1), "row_failed", "consumer_batch_retry", "cache", "consumer_list_shards"]

const perShard = new RegExp(`^(.+):(${shardMetrics.join("|")}):([^:]+)$`)
const perPipeline = new RegExp(`^(.+):(${pipelineMetrics.join("|")})$`)
/** Kinesis shard ids look like `shardId-000000000000`. */
const shardLike = /^shardId-/

const id = (pipeline: string | undefined, metric: string, shard?: string): MetricId => ({ pipeline, metric, shard })

/**
 * Splits a recorded name. Known metric names are matched from the end, so a pipeline name may
 * contain colons. Unknown names: a trailing `shardId-…` part is the shard, the last remaining part
 * the metric, the rest the pipeline; a name without a colon is a counter's pipeline (records
 * merged) or, for gauges and errors, a metric without a pipeline.
 * `consumer:stale_checkpoint:<shard>` belongs to no pipeline.
 *
 * @example
 * parseMetricName("page-views:records_per_second:shardId-000", "gauge")
 * // { pipeline: "page-views", metric: "records_per_second", shard: "shardId-000" }
 * parseMetricName("page-views", "counter") // { pipeline: "page-views", metric: "records_merged", shard: undefined }
 */
export const parseMetricName = (name: string, kind: MetricKind): MetricId => {
  const shardMatch = perShard.exec(name)
  if (shardMatch !== null) {
    const [, pipeline, metric, shard] = shardMatch as unknown as [string, string, string, string]
    return id(pipeline === "consumer" && metric === "stale_checkpoint" ? undefined : pipeline, metric, shard)
  }
  const pipelineMatch = perPipeline.exec(name)
  if (pipelineMatch !== null) return id(pipelineMatch[1], pipelineMatch[2]!)
  const parts = name.split(":")
  const shard = parts.length > 2 && shardLike.test(parts[parts.length - 1]!) ? parts.pop() : undefined
  if (parts.length === 1) return kind === "counter" && shard === undefined ? id(name, recordsMerged) : id(undefined, parts[0]!, shard)
  const metric = parts.pop()!
  return id(parts.join(":"), metric, shard)
}

/** Splits a latency key `<pipeline>/<op>` (the op never contains a slash). */
export const parseLatencyKey = (key: string): { readonly pipeline: string; readonly op: string } => {
  const slash = key.lastIndexOf("/")
  return slash < 0 ? { pipeline: key, op: "" } : { pipeline: key.slice(0, slash), op: key.slice(slash + 1) }
}
