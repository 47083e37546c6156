import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Metrics, type MetricsService } from "./Metrics.js"

/** Metrics that discard everything (the default when you want none). */
export const noopMetrics: MetricsService = {
  increment: () => Effect.void,
  latency: () => Effect.void,
  gauge: () => Effect.void,
  error: () => Effect.void
}

/**
 * Provides `Metrics` that record nothing.
 *
 * @example
 * processBatch(pipeline, decoder, records).pipe(Effect.provide(layerNoop))
 */
export const layerNoop: Layer.Layer<Metrics> = Layer.succeed(Metrics, noopMetrics)
