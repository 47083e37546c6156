/**
 * CloudWatch Embedded Metric Format: metrics written as JSON log lines that CloudWatch Logs turns
 * into metrics, the way Powertools for AWS Lambda's metrics do. Recording only updates maps;
 * `flush` writes what was recorded since the last flush, one document per set of dimension values.
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { Metrics, type MetricsService } from "./Metrics.js"
import { type MetricKind, type MetricId, parseMetricName } from "./names.js"

/** CloudWatch limits one directive to 100 metrics and one metric to 100 values. */
const maxMetricsPerDocument = 100
const maxValuesPerMetric = 100
/** Latency samples kept per series between two flushes (ten documents' worth). */
export const emfMaxSamplesPerFlush = 1_000

/** Options of `layerEmf`. */
export interface EmfOptions {
  /** CloudWatch namespace. Default `MURMUR_METRICS_NAMESPACE`, then `POWERTOOLS_METRICS_NAMESPACE`, then `"murmur"`. */
  readonly namespace?: string | undefined
  /** Dimensions added to every document, e.g. `{ service: "orders" }` (Powertools' `service`). */
  readonly defaultDimensions?: Readonly<Record<string, string>> | undefined
  /** Where each JSON line goes. Default: standard output (raw, so CloudWatch Logs sees pure JSON). */
  readonly sink?: ((line: string) => void) | undefined
  /** How often `periodicFlush` (the polling consumer) flushes. Default 60 s (CloudWatch's standard resolution). */
  readonly flushIntervalMs?: number | undefined
}

/** Writes what the EMF metrics recorded since the last flush. */
export interface MetricsFlushService {
  readonly flush: Effect.Effect<void>
  readonly intervalMs: number
}

/** Provided by `layerEmf`: the Lambda handler flushes after each batch, the consumer periodically. */
export class MetricsFlush extends Context.Tag("murmur/MetricsFlush")<MetricsFlush, MetricsFlushService>() {}

interface Series {
  readonly id: MetricId
  readonly name: string
  readonly unit: string
  readonly dimensions: Record<string, string>
  readonly values: Array<number>
}

const units: Record<string, string> = {
  millis_behind_latest: "Milliseconds",
  seconds_since_checkpoint: "Seconds",
  records_per_second: "Count/Second"
}

const stdout = (line: string): void => void process.stdout.write(`${line}\n`)

const envNamespace = (): string | undefined => {
  const env = typeof process === "undefined" ? {} : process.env
  return env.MURMUR_METRICS_NAMESPACE || env.POWERTOOLS_METRICS_NAMESPACE || undefined
}

/** Groups series by their dimension values and renders the documents, splitting at the limits. */
const render = (
  namespace: string,
  series: ReadonlyArray<Series>,
  timestamp: number
): Array<Record<string, unknown>> => {
  const groups = new Map<string, Array<Series>>()
  for (const s of series) {
    const key = JSON.stringify(Object.entries(s.dimensions))
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [s])
    else group.push(s)
  }
  const documents: Array<Record<string, unknown>> = []
  for (const group of groups.values()) {
    const dimensions = group[0]!.dimensions
    // Each pass takes at most 100 metrics and 100 values of each; what is left goes to the next document.
    const pending = group.map((s) => ({ s, offset: 0 }))
    while (pending.length > 0) {
      const batch = pending.splice(0, maxMetricsPerDocument)
      const document: Record<string, unknown> = {
        _aws: {
          Timestamp: timestamp,
          CloudWatchMetrics: [
            {
              Namespace: namespace,
              Dimensions: [Object.keys(dimensions)],
              Metrics: batch.map(({ s }) => ({ Name: s.name, Unit: s.unit }))
            }
          ]
        },
        ...dimensions
      }
      for (const entry of batch) {
        const values = entry.s.values.slice(entry.offset, entry.offset + maxValuesPerMetric)
        document[entry.s.name] = values.length === 1 ? values[0] : values
        entry.offset += maxValuesPerMetric
        if (entry.offset < entry.s.values.length) pending.push(entry)
      }
      documents.push(document)
    }
  }
  return documents
}

/**
 * Makes EMF metrics: the `Metrics` service and its flush. Counters are summed between flushes,
 * gauges keep their last value, latencies keep up to `emfMaxSamplesPerFlush` samples per series
 * (CloudWatch computes percentiles from them). Dimensions: `pipeline`, plus `shard` for per-shard
 * gauges, `error` for errors (metric `errors`) and the default dimensions.
 *
 * @example
 * const emf = makeEmfMetrics({ namespace: "orders", sink: (line) => lines.push(line) })
 */
export const makeEmfMetrics = (options: EmfOptions = {}): { readonly service: MetricsService; readonly flush: Effect.Effect<void> } => {
  const namespace = options.namespace ?? envNamespace() ?? "murmur"
  const sink = options.sink ?? stdout
  const defaults = options.defaultDimensions ?? {}
  let pending = new Map<string, Series>()

  const seriesOf = (key: string, make: () => Omit<Series, "values">): Series => {
    let series = pending.get(key)
    if (series === undefined) {
      series = { ...make(), values: [] }
      pending.set(key, series)
    }
    return series
  }
  const dimensionsOf = (id: MetricId, extra?: readonly [string, string]): Record<string, string> => {
    const dimensions: Record<string, string> = { ...defaults }
    if (id.pipeline !== undefined) dimensions.pipeline = id.pipeline
    if (id.shard !== undefined) dimensions.shard = id.shard
    if (extra !== undefined) dimensions[extra[0]] = extra[1]
    return dimensions
  }
  const named = (kind: Exclude<MetricKind, "error">, name: string) =>
    seriesOf(`${kind}\u0000${name}`, () => {
      const id = parseMetricName(name, kind)
      return { id, name: id.metric, unit: units[id.metric] ?? (kind === "counter" ? "Count" : "None"), dimensions: dimensionsOf(id) }
    })

  const service: MetricsService = {
    increment: (name, by = 1) =>
      Effect.sync(() => {
        const values = named("counter", name).values
        if (values.length === 0) values.push(by)
        else values[0]! += by
      }),
    gauge: (name, value) =>
      Effect.sync(() => {
        const values = named("gauge", name).values
        values[0] = value
      }),
    error: (name) =>
      Effect.sync(() => {
        const series = seriesOf(`error\u0000${name}`, () => {
          const id = parseMetricName(name, "error")
          return { id, name: "errors", unit: "Count", dimensions: dimensionsOf(id, ["error", id.metric]) }
        })
        if (series.values.length === 0) series.values.push(1)
        else series.values[0]!++
      }),
    latency: (pipeline, op, millis) =>
      Effect.sync(() => {
        const series = seriesOf(`latency\u0000${pipeline}/${op}`, () => {
          const id: MetricId = { pipeline, metric: op, shard: undefined }
          return { id, name: op, unit: "Milliseconds", dimensions: dimensionsOf(id) }
        })
        if (series.values.length < emfMaxSamplesPerFlush) series.values.push(millis)
      })
  }

  const flush = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.sync(() => {
      if (pending.size === 0) return
      const series = [...pending.values()]
      pending = new Map()
      for (const document of render(namespace, series, now)) sink(JSON.stringify(document))
    }))
  return { service, flush }
}

/**
 * Provides `Metrics` as CloudWatch EMF log lines and the `MetricsFlush` that writes them. The
 * Lambda handler flushes after every batch; `runConsumer` flushes every `flushIntervalMs` and at
 * shutdown. Nothing is written when nothing was recorded.
 *
 * @example
 * kinesisHandler(pageViews, decoder, { layer: defaultLayer(layerEmf({ namespace: "shop" })) })
 */
export const layerEmf = (options: EmfOptions = {}): Layer.Layer<Metrics | MetricsFlush> =>
  Layer.suspend(() => {
    const emf = makeEmfMetrics(options)
    return Layer.merge(
      Layer.succeed(Metrics, emf.service),
      Layer.succeed(MetricsFlush, { flush: emf.flush, intervalMs: options.flushIntervalMs ?? 60_000 })
    )
  })

/**
 * Flushes the EMF metrics when `MetricsFlush` is provided; does nothing otherwise.
 *
 * @example
 * processBatch(pipeline, decoder, records).pipe(Effect.ensuring(flushMetrics))
 */
export const flushMetrics: Effect.Effect<void> = Effect.flatMap(
  Effect.serviceOption(MetricsFlush),
  Option.match({ onNone: () => Effect.void, onSome: (metrics) => metrics.flush })
)

/**
 * When `MetricsFlush` is provided, forks a fiber into the current scope that flushes every
 * `intervalMs`, and flushes once more when the scope closes; otherwise does nothing.
 *
 * @example
 * Effect.scoped(Effect.gen(function* () {
 *   yield* periodicFlush
 *   yield* consumeForever
 * }))
 */
export const periodicFlush: Effect.Effect<void, never, Scope.Scope> = Effect.flatMap(
  Effect.serviceOption(MetricsFlush),
  Option.match({
    onNone: () => Effect.void,
    onSome: (metrics) =>
      Effect.zipRight(
        Effect.addFinalizer(() => metrics.flush),
        Effect.forkScoped(Effect.repeat(metrics.flush, Schedule.spaced(metrics.intervalMs)).pipe(Effect.delay(metrics.intervalMs)))
      ).pipe(Effect.asVoid)
  })
)
