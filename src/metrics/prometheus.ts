/**
 * Prometheus text exposition (format 0.0.4) of the in-memory snapshot: one family per metric,
 * labelled by pipeline, shard, error and op.
 */
import type { MetricsSnapshot } from "./memory.js"
import { type MetricKind, parseLatencyKey, parseMetricName } from "./names.js"

/** The `Content-Type` of `prometheusText`'s output. */
export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

type Labels = ReadonlyArray<readonly [string, string | undefined]>

interface Family {
  readonly type: "counter" | "gauge" | "summary"
  readonly help: string
  readonly samples: Array<string>
}

const sanitize = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, "_")

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/\n/g, "\\n")

const formatValue = (value: number): string =>
  Number.isNaN(value) ? "NaN" : value === Infinity ? "+Inf" : value === -Infinity ? "-Inf" : String(value)

const sample = (name: string, labels: Labels, value: number): string => {
  const present = labels.filter((label): label is readonly [string, string] => label[1] !== undefined)
  const rendered = present.length === 0 ? "" : `{${present.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`
  return `${name}${rendered} ${formatValue(value)}`
}

const help: Record<string, string> = {
  records_merged: "Records whose deltas were applied to the store.",
  retry: "Commit attempts retried after a transient store error.",
  dedup_skip: "Records skipped because every delta of theirs was already applied (redeliveries).",
  dead_letter: "Records a dead-letter policy skipped because they can never succeed.",
  row_failed: "Row commits that failed after retries or were refused for good (their records are reported).",
  decode_error: "Records that did not decode (bad bytes, schema, key) and were skipped.",
  consumer_batch_retry: "Polling-consumer batches retried after a failed commit or checkpoint.",
  records_per_second: "Records per second read from the shard by the polling consumer.",
  millis_behind_latest: "How far the shard's reader is behind the stream's tip, in milliseconds.",
  seconds_since_checkpoint: "Seconds since this worker last checkpointed the shard."
}

/**
 * Renders the snapshot in the Prometheus text format: counters `murmur_<metric>_total`
 * (`murmur_records_merged_total` for the bare pipeline name), gauges `murmur_<metric>`, errors
 * `murmur_errors_total{error=…}`, latencies the summary `murmur_latency_milliseconds` with
 * quantiles 0.5, 0.95 and 0.99 (over the kept samples) plus `murmur_latency_max_milliseconds`.
 *
 * @example
 * const body = prometheusText(yield* (yield* MetricsSnapshots).snapshot)
 * // murmur_records_merged_total{pipeline="page-views"} 120
 */
export const prometheusText = (snapshot: MetricsSnapshot): string => {
  const families = new Map<string, Family>()
  const add = (name: string, type: Family["type"], helpText: string, line: string) => {
    let family = families.get(name)
    if (family === undefined) {
      family = { type, help: helpText, samples: [] }
      families.set(name, family)
    }
    family.samples.push(line)
  }
  const addNamed = (name: string, kind: Exclude<MetricKind, "error">, value: number) => {
    const { metric, pipeline, shard } = parseMetricName(name, kind)
    const family = `murmur_${sanitize(metric)}${kind === "counter" ? "_total" : ""}`
    const type = kind === "counter" ? "counter" : "gauge"
    add(family, type, help[metric] ?? `murmur ${kind} ${metric}.`, sample(family, [["pipeline", pipeline], ["shard", shard]], value))
  }
  for (const [name, value] of Object.entries(snapshot.counters)) addNamed(name, "counter", value)
  for (const [name, value] of Object.entries(snapshot.gauges)) addNamed(name, "gauge", value)
  for (const [name, error] of Object.entries(snapshot.errors)) {
    const { metric, pipeline, shard } = parseMetricName(name, "error")
    const labels: Labels = [["pipeline", pipeline], ["shard", shard], ["error", metric]]
    add("murmur_errors_total", "counter", "Errors recorded without failing a record, by kind.", sample("murmur_errors_total", labels, error.count))
  }
  const latency = "murmur_latency_milliseconds"
  const latencyHelp = "Store and cache commit latencies in milliseconds (quantiles over the last 4096 samples)."
  for (const [key, summary] of Object.entries(snapshot.latencies)) {
    const { op, pipeline } = parseLatencyKey(key)
    const labels: Labels = [["pipeline", pipeline], ["op", op]]
    for (const [quantile, value] of [["0.5", summary.p50], ["0.95", summary.p95], ["0.99", summary.p99]] as const) {
      add(latency, "summary", latencyHelp, sample(latency, [...labels, ["quantile", quantile]], value))
    }
    add(latency, "summary", latencyHelp, sample(`${latency}_sum`, labels, summary.sum))
    add(latency, "summary", latencyHelp, sample(`${latency}_count`, labels, summary.count))
    add("murmur_latency_max_milliseconds", "gauge", "Largest kept latency sample in milliseconds.", sample("murmur_latency_max_milliseconds", labels, summary.max))
  }
  const lines: Array<string> = []
  for (const name of [...families.keys()].sort()) {
    const family = families.get(name)!
    lines.push(`# HELP ${name} ${family.help}`, `# TYPE ${name} ${family.type}`, ...family.samples)
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`
}
