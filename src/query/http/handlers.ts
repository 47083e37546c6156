import { type HttpApi, HttpApiBuilder } from "@effect/platform"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { InvalidConfig, type InvalidKey, InvalidRange, type NotWindowed, type RangeTooLarge, type StoreError, type WindowRequired } from "../../errors.js"
import type { Store } from "../../state/Store.js"
import { bucketStart, type BucketRange } from "../../window/Window.js"
import { contains, type NotBloom } from "../contains.js"
import * as Query from "../Query.js"
import { renderAt } from "../render.js"
import { topN } from "../topN.js"
import { type LiveSources, makeLiveReader } from "./live.js"
import { QueryApi } from "./QueryApi.js"
import { BadQuery, PipelineNotFound, StoreUnavailable } from "./schemas.js"
import { bucketSeries } from "./series.js"
import type { AnyQueryTarget } from "./target.js"

export type { AnyQueryTarget } from "./target.js"

/** What the query HTTP API serves. */
export interface QueryApiOptions {
  /** The pipelines readable by name. Names must be unique. */
  readonly pipelines: ReadonlyArray<AnyQueryTarget>
  /**
   * Turns a value into JSON-ready data. Default: `renderAt` as of the clock's now, an answer per
   * monoid (`{ estimate }` for hll, `[{ item, count }]` for topK, a decayed sum's value now, ...)
   * and a custom monoid's value as is; give one for custom monoids whose values JSON cannot hold
   * (a `Map`, a `bigint`), and call `renderAt` from it for the others.
   */
  readonly toJson?: ((pipeline: AnyQueryTarget, value: unknown) => unknown) | undefined
  /** Driver progress, metrics and the keys to rank, for `/live`, `/top`, `/metrics` and the dashboard. */
  readonly live?: LiveSources | undefined
}

type QueryFailure = WindowRequired | NotWindowed | InvalidRange | RangeTooLarge | InvalidKey | NotBloom | StoreError

const storeMessage = (transient: boolean) =>
  transient
    ? "the store did not answer this time; try again"
    : "the store refused the read; the server log says why"

// The store's own text names hosts, tables and accounts: it goes to the log, not to the client.
const toHttpError = (error: QueryFailure): Effect.Effect<never, BadQuery | StoreUnavailable> =>
  error._tag === "StoreError"
    ? Effect.zipRight(
      Effect.logWarning("query: the store failed").pipe(
        Effect.annotateLogs({ operation: error.operation, transient: error.transient, error: error.message })
      ),
      Effect.fail(new StoreUnavailable({ error: error._tag, transient: error.transient, message: storeMessage(error.transient) }))
    )
    : Effect.fail(new BadQuery({ reason: error._tag, message: error.message }))

const asArray = (keys: string | ReadonlyArray<string>): ReadonlyArray<string> => (typeof keys === "string" ? [keys] : keys)

const registryOf = (pipelines: ReadonlyArray<AnyQueryTarget>) => {
  const byName = new Map<string, AnyQueryTarget>()
  for (const pipeline of pipelines) {
    if (byName.has(pipeline.name)) {
      return Effect.fail(new InvalidConfig({ field: "pipelines", message: `pipeline "${pipeline.name}" is given twice` }))
    }
    byName.set(pipeline.name, pipeline)
  }
  return Effect.succeed(byName)
}

const iso = (ms: number) => new Date(ms).toISOString()

/** How `/top` orders answers: numbers as they are, sets by size, estimates (hll, bloom) by theirs, anything else last. */
const rankOf = (answer: unknown): number | null => {
  if (typeof answer === "number") return answer
  if (Array.isArray(answer)) return answer.length
  const estimate = (answer as { readonly estimate?: unknown } | null)?.estimate
  return typeof estimate === "number" ? estimate : null
}

const spanOf = (pipeline: AnyQueryTarget, buckets: BucketRange) => ({
  // Only windowed pipelines have buckets: the span helpers fail with NotWindowed otherwise.
  from: iso(bucketStart(pipeline.window!, buckets.lo)),
  to: iso(bucketStart(pipeline.window!, buckets.hi + 1))
})

const layer = (options: QueryApiOptions): Layer.Layer<HttpApi.Api, InvalidConfig, Store> =>
  Layer.unwrapEffect(Effect.zipWith(registryOf(options.pipelines), Effect.clock, (byName, clock) => {
    const render = options.toJson ??
      ((pipeline: AnyQueryTarget, value: unknown) => renderAt(pipeline.monoid, value, clock.unsafeCurrentTimeMillis()))
    const live = makeLiveReader(options.pipelines.map((pipeline) => pipeline.name), options.live ?? {})
    const find = (name: string) => {
      const pipeline = byName.get(name)
      return pipeline === undefined
        ? Effect.fail(new PipelineNotFound({ pipeline: name, message: `no pipeline named "${name}" is served` }))
        : Effect.succeed(pipeline)
    }
    const keyValues = (pipeline: AnyQueryTarget, results: ReadonlyArray<Query.EntityValue<unknown>>) =>
      results.map(({ entity, value }) => ({ key: entity, value: render(pipeline, value) }))
    const span = (pipeline: AnyQueryTarget, buckets: BucketRange, results: ReadonlyArray<Query.EntityValue<unknown>>) => ({
      pipeline: pipeline.name,
      ...spanOf(pipeline, buckets),
      buckets: buckets.hi - buckets.lo + 1,
      values: keyValues(pipeline, results)
    })

    const pipelines = HttpApiBuilder.group(QueryApi, "pipelines", (handlers) =>
      handlers.handle("list", () =>
        Effect.succeed(options.pipelines.map((pipeline) => ({
          name: pipeline.name,
          monoid: pipeline.monoid.name,
          granularity: pipeline.window?.granularity ?? null,
          retentionMs: pipeline.window?.retentionMs ?? null
        })))))

    const liveGroup = HttpApiBuilder.group(QueryApi, "live", (handlers) => handlers.handle("live", () => live))

    const aggregates = HttpApiBuilder.group(QueryApi, "aggregates", (handlers) =>
      handlers
        .handle("value", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Query.value(pipeline, urlParams.key).pipe(
              Effect.map((value) => ({ pipeline: pipeline.name, key: urlParams.key, value: render(pipeline, value) })),
              Effect.catchAll(toHttpError)
            )))
        .handle("values", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Query.values(pipeline, asArray(urlParams.key)).pipe(
              Effect.map((results) => ({ pipeline: pipeline.name, values: keyValues(pipeline, results) })),
              Effect.catchAll(toHttpError)
            )))
        .handle("window", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Effect.gen(function*() {
              // One reading of the clock, so the span reported is the span read.
              const now = yield* Clock.currentTimeMillis
              const buckets = yield* Query.windowBuckets(pipeline, urlParams.last, now)
              const results = yield* Query.windowMany(pipeline, asArray(urlParams.key), urlParams.last, now)
              return span(pipeline, buckets, results)
            }).pipe(Effect.catchAll(toHttpError))))
        .handle("range", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Effect.gen(function*() {
              const buckets = yield* Query.rangeBuckets(pipeline, urlParams.start, urlParams.end)
              const results = yield* Query.rangeMany(pipeline, asArray(urlParams.key), urlParams.start, urlParams.end)
              return span(pipeline, buckets, results)
            }).pipe(Effect.catchAll(toHttpError))))
        .handle("top", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Effect.gen(function*() {
              const keys = Array.from(new Set(options.live?.keys?.[pipeline.name] ?? []))
              const now = yield* Clock.currentTimeMillis
              const last = urlParams.last ?? "1 hour"
              const buckets = pipeline.window === undefined ? undefined : yield* Query.windowBuckets(pipeline, last, now)
              const results = buckets === undefined
                ? yield* Query.values(pipeline, keys)
                : yield* Query.windowMany(pipeline, keys, last, now)
              const byKey = new Map(results.map((result) => [result.entity, result.value]))
              const ranked = topN(results.map(({ entity, value }) => ({ entity, value: rankOf(render(pipeline, value)) })), urlParams.n ?? 10)
              return {
                pipeline: pipeline.name,
                from: buckets === undefined ? null : spanOf(pipeline, buckets).from,
                to: buckets === undefined ? null : spanOf(pipeline, buckets).to,
                candidates: keys.length,
                values: keyValues(pipeline, ranked.map(({ entity }) => ({ entity, value: byKey.get(entity) })))
              }
            }).pipe(Effect.catchAll(toHttpError))))
        .handle("series", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Effect.gen(function*() {
              const { end, last, start } = urlParams
              const now = yield* Clock.currentTimeMillis
              const buckets = last !== undefined && start === undefined && end === undefined
                ? yield* Query.windowBuckets(pipeline, last, now)
                : last === undefined && start !== undefined && end !== undefined
                ? yield* Query.rangeBuckets(pipeline, start, end)
                : yield* new InvalidRange({ pipeline: pipeline.name, message: "give either last, or start and end" })
              const points = yield* bucketSeries(pipeline, urlParams.key, buckets)
              return {
                pipeline: pipeline.name,
                key: urlParams.key,
                ...spanOf(pipeline, buckets),
                buckets: points.map((point) => ({ start: iso(point.startMs), value: render(pipeline, point.value) }))
              }
            }).pipe(Effect.catchAll(toHttpError))))
        .handle("contains", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Effect.gen(function*() {
              const { element, key, last } = urlParams
              const now = yield* Clock.currentTimeMillis
              const buckets = last === undefined ? undefined : yield* Query.windowBuckets(pipeline, last, now)
              const found = yield* contains(pipeline, key, element, { last, now })
              const span = buckets === undefined ? { from: null, to: null } : spanOf(pipeline, buckets)
              return { pipeline: pipeline.name, key, element, contains: found, ...span }
            }).pipe(Effect.catchAll(toHttpError)))))

    return HttpApiBuilder.api(QueryApi).pipe(Layer.provide([pipelines, aggregates, liveGroup]))
  }))

/**
 * `QueryApi` implemented over the given pipelines.
 *
 * @example
 * // A layer needing the Store, for HttpApiBuilder.serve (or use QueryServer.layer / serveQuery).
 * const api = QueryHandlers.layer({ pipelines: [pageViews] })
 */
export const QueryHandlers = {
  /** Fails with `InvalidConfig` when two pipelines share a name. */
  layer
} as const
