/**
 * `/metrics`: the metrics snapshot as Prometheus text, or as JSON with `Accept: application/json`
 * (and always at `/metrics.json`). Without a metrics source both answer an empty snapshot.
 */
import { HttpApiBuilder, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import { metricsJson } from "../../metrics/json.js"
import type { MetricsSnapshot } from "../../metrics/memory.js"
import { prometheusContentType, prometheusText } from "../../metrics/prometheus.js"

/** The GET paths these routes answer. */
export const metricsPaths = ["/metrics", "/metrics.json"] as const

const empty: MetricsSnapshot = { counters: {}, gauges: {}, errors: {}, latencies: {} }

const wantsJson = (accept: string | undefined): boolean => {
  if (accept === undefined) return false
  // The first listed type wins: Prometheus scrapers list text/plain or openmetrics first.
  const first = accept.split(",")[0]!.split(";")[0]!.trim().toLowerCase()
  return first === "application/json"
}

/**
 * Adds the metrics routes to the server's router.
 *
 * @example
 * HttpApiBuilder.serve().pipe(Layer.provide(metricsRoutes(Effect.sync(memory.snapshot))))
 */
export const metricsRoutes = (snapshot: Effect.Effect<MetricsSnapshot> | undefined): Layer.Layer<never> => {
  const read = snapshot ?? Effect.succeed(empty)
  const json = Effect.map(read, (current) => HttpServerResponse.unsafeJson(metricsJson(current), { headers: { "cache-control": "no-store" } }))
  const text = Effect.map(read, (current) =>
    HttpServerResponse.text(prometheusText(current), { contentType: prometheusContentType, headers: { "cache-control": "no-store" } }))
  return HttpApiBuilder.Router.use((router) =>
    Effect.all([
      router.get(
        "/metrics",
        Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) => (wantsJson(request.headers["accept"]) ? json : text))
      ),
      router.get("/metrics.json", json)
    ])
  )
}
