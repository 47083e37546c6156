import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { makeMemoryMetrics, metricsJson, parseMetricName, prometheusText } from "../../../src/metrics/index.js"

/** A snapshot with every kind of name the drivers record. */
const recorded = Effect.gen(function*() {
  const metrics = makeMemoryMetrics()
  const m = metrics.service
  yield* m.increment("page-views", 120)
  yield* m.increment("page-views:retry", 2)
  yield* m.increment("page-views:dedup_skip", 3)
  yield* m.increment("page-views:decode_error")
  yield* m.increment("clicks:v2", 5) // a pipeline name with a colon
  yield* m.gauge("page-views:records_per_second:shardId-000000000000", 512.5)
  yield* m.gauge("page-views:millis_behind_latest:shardId-000000000000", 0)
  yield* m.error("page-views:cache", new Error("secret-ish store text"))
  yield* m.error("page-views:consumer_batch:shardId-000000000000", "x")
  yield* m.error("consumer:stale_checkpoint:shardId-000000000001", "y")
  yield* m.latency("page-views", "store_merge", 2)
  yield* m.latency("page-views", "store_merge", 4)
  yield* m.latency("we\"ird\\name\n", "store_merge", 1)
  return metrics.snapshot()
})

describe("parseMetricName", () => {
  it("splits the library's names into pipeline, metric and shard", () => {
    expect(parseMetricName("page-views", "counter")).toEqual({ pipeline: "page-views", metric: "records_merged", shard: undefined })
    expect(parseMetricName("a:b:retry", "counter")).toEqual({ pipeline: "a:b", metric: "retry", shard: undefined })
    expect(parseMetricName("p:millis_behind_latest:shardId-1", "gauge")).toEqual({ pipeline: "p", metric: "millis_behind_latest", shard: "shardId-1" })
    expect(parseMetricName("consumer:stale_checkpoint:shardId-1", "error")).toEqual({ pipeline: undefined, metric: "stale_checkpoint", shard: "shardId-1" })
    expect(parseMetricName("p:row_too_large", "counter")).toEqual({ pipeline: "p", metric: "row_too_large", shard: undefined })
    expect(parseMetricName("p:new_gauge:shardId-7", "gauge")).toEqual({ pipeline: "p", metric: "new_gauge", shard: "shardId-7" })
    expect(parseMetricName("lag", "gauge")).toEqual({ pipeline: undefined, metric: "lag", shard: undefined })
  })
})

describe("prometheusText", () => {
  it.effect("renders every family once with HELP and TYPE, escaped labels, and parseable samples", () =>
    Effect.gen(function*() {
      const text = prometheusText(yield* recorded)
      expect(text.endsWith("\n")).toBe(true)
      const lines = text.trimEnd().split("\n")
      // Grammar of the text format: comments, or `name{labels} value`.
      const sampleLine = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\["\\n])*",?)*\})? (-?[0-9.e+]+|NaN|[+-]Inf)$/
      for (const line of lines) {
        if (line.startsWith("#")) expect(line).toMatch(/^# (HELP|TYPE) murmur_[a-z0-9_]+ \S/)
        else expect(line).toMatch(sampleLine)
      }
      const types = lines.filter((l) => l.startsWith("# TYPE")).map((l) => l.split(" ")[2])
      expect(new Set(types).size).toBe(types.length)
      for (const expected of [
        "# TYPE murmur_records_merged_total counter",
        "murmur_records_merged_total{pipeline=\"page-views\"} 120",
        "murmur_v2_total{pipeline=\"clicks\"} 5",
        "murmur_retry_total{pipeline=\"page-views\"} 2",
        "murmur_records_per_second{pipeline=\"page-views\",shard=\"shardId-000000000000\"} 512.5",
        "# TYPE murmur_records_per_second gauge",
        "murmur_errors_total{pipeline=\"page-views\",error=\"cache\"} 1",
        "murmur_errors_total{shard=\"shardId-000000000001\",error=\"stale_checkpoint\"} 1",
        "# TYPE murmur_latency_milliseconds summary",
        "murmur_latency_milliseconds{pipeline=\"page-views\",op=\"store_merge\",quantile=\"0.99\"} 2",
        "murmur_latency_milliseconds_sum{pipeline=\"page-views\",op=\"store_merge\"} 6",
        "murmur_latency_milliseconds_count{pipeline=\"page-views\",op=\"store_merge\"} 2",
        "murmur_latency_milliseconds_count{pipeline=\"we\\\"ird\\\\name\\n\",op=\"store_merge\"} 1"
      ]) expect(lines).toContain(expected)
      expect(text).not.toContain("secret-ish")
      // Samples of one family are contiguous, right after its TYPE line.
      const families = lines.filter((l) => !l.startsWith("#")).map((l) => l.replace(/(_sum|_count)?(\{.*)? .*$/, ""))
      const runs = families.filter((name, i) => i === 0 || families[i - 1] !== name)
      expect(new Set(runs).size).toBe(runs.length)
    }))

  it("renders nothing for an empty snapshot", () => {
    expect(prometheusText({ counters: {}, gauges: {}, errors: {}, latencies: {} })).toBe("")
  })
})

describe("metricsJson", () => {
  it.effect("groups by pipeline and shard, lists the standard counters, and leaves error messages out", () =>
    Effect.gen(function*() {
      const json = metricsJson(yield* recorded)
      const pageViews = json.pipelines["page-views"]!
      expect(pageViews.counters).toEqual({ decode_error: 1, dead_letter: 0, dedup_skip: 3, records_merged: 120, retry: 2 })
      expect(Object.keys(pageViews.counters)).toEqual(["dead_letter", "decode_error", "dedup_skip", "records_merged", "retry"])
      expect(pageViews.errors).toEqual({ cache: 1 })
      expect(pageViews.latencies.store_merge).toMatchObject({ count: 2, sum: 6, max: 4 })
      expect(pageViews.shards["shardId-000000000000"]).toEqual({
        counters: {},
        gauges: { millis_behind_latest: 0, records_per_second: 512.5 },
        errors: { consumer_batch: 1 }
      })
      expect(json.pipelines.clicks!.counters).toMatchObject({ v2: 5, records_merged: 0 })
      expect(json.unscoped.shards["shardId-000000000001"]!.errors).toEqual({ stale_checkpoint: 1 })
      expect(Object.keys(json.pipelines)).toEqual(["clicks", "page-views", "we\"ird\\name\n"])
      expect(JSON.stringify(json)).not.toContain("secret-ish")
      expect(JSON.parse(JSON.stringify(json))).toEqual(json)
    }))
})
