/**
 * OpenTelemetry for the library's spans (`murmur.batch` → `murmur.commit_row` → `dynamodb.<Operation>`),
 * through `@effect/opentelemetry`. Optional: import it only where you export traces; it needs
 * `@effect/opentelemetry`, `@opentelemetry/api`, `@opentelemetry/resources` and
 * `@opentelemetry/sdk-trace-base` installed next to murmur-ts.
 */
import { NodeSdk, type Resource } from "@effect/opentelemetry"
import type * as Layer from "effect/Layer"
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base"

/** Options of `layerOtel`. */
export interface OtelOptions {
  /** `service.name` of the resource. */
  readonly serviceName: string
  readonly serviceVersion?: string | undefined
  /** Where spans go, e.g. `new BatchSpanProcessor(new OTLPTraceExporter())`. */
  readonly spanProcessor: SpanProcessor | ReadonlyArray<SpanProcessor>
}

/**
 * Installs an OpenTelemetry tracer for everything run under it: the processor's batch and row
 * spans and the DynamoDB request spans are exported through `spanProcessor`. Without this layer
 * (or another tracer) spans stay off and per-row spans are not even made.
 *
 * @example
 * import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base"
 * import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
 * import { layerOtel } from "murmur-ts/otel"
 *
 * const tracing = layerOtel({ serviceName: "page-views-consumer", spanProcessor: new BatchSpanProcessor(new OTLPTraceExporter()) })
 * NodeRuntime.runMain(runConsumer(pageViews, decoder, config).pipe(Effect.provide(Layer.mergeAll(layers, tracing))))
 */
export const layerOtel = (options: OtelOptions): Layer.Layer<Resource.Resource> =>
  NodeSdk.layer(() => ({
    resource: options.serviceVersion === undefined
      ? { serviceName: options.serviceName }
      : { serviceName: options.serviceName, serviceVersion: options.serviceVersion },
    spanProcessor: options.spanProcessor
  }))
