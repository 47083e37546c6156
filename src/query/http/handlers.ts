import { type HttpApi, HttpApiBuilder } from "@effect/platform"
import { Clock, Effect, Layer } from "effect"
import { InvalidConfig, type InvalidKey, type InvalidRange, type NotWindowed, type RangeTooLarge, type StoreError, type WindowRequired } from "../../errors.js"
import type { Store } from "../../state/Store.js"
import { bucketStart, type BucketRange } from "../../window/Window.js"
import * as Query from "../Query.js"
import { QueryApi } from "./QueryApi.js"
import { BadQuery, PipelineNotFound, StoreUnavailable } from "./schemas.js"

/**
 * Any pipeline, whatever its value type. A registry holds pipelines of different value types, and
 * `Monoid<V>` is invariant in `V`, so the value type is erased here and nowhere else.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyQueryTarget = Query.QueryTarget<any>

/** What the query HTTP API serves. */
export interface QueryApiOptions {
  /** The pipelines readable by name. Names must be unique. */
  readonly pipelines: ReadonlyArray<AnyQueryTarget>
  /**
   * Turns a value into JSON-ready data. Default: the value as is, which suits every built-in
   * monoid; give one for custom monoids whose values JSON cannot hold (a `Map`, a `bigint`).
   */
  readonly toJson?: ((pipeline: AnyQueryTarget, value: unknown) => unknown) | undefined
}

type QueryFailure = WindowRequired | NotWindowed | InvalidRange | RangeTooLarge | InvalidKey | StoreError

const toHttpError = (error: QueryFailure): BadQuery | StoreUnavailable =>
  error._tag === "StoreError"
    ? new StoreUnavailable({ transient: error.transient, message: error.message })
    : new BadQuery({ reason: error._tag, message: error.message })

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

/**
 * `QueryApi` implemented over the given pipelines: a layer needing the `Store`, to give to
 * `HttpApiBuilder.serve` (or use `serveQuery`). Fails with `InvalidConfig` when two pipelines share a name.
 */
export const queryApiLayer = (options: QueryApiOptions): Layer.Layer<HttpApi.Api, InvalidConfig, Store> =>
  Layer.unwrapEffect(Effect.map(registryOf(options.pipelines), (byName) => {
    const render = options.toJson ?? ((_pipeline: AnyQueryTarget, value: unknown) => value)
    const find = (name: string) => {
      const pipeline = byName.get(name)
      return pipeline === undefined
        ? Effect.fail(new PipelineNotFound({ pipeline: name, message: `no pipeline named "${name}" is served` }))
        : Effect.succeed(pipeline)
    }
    const keyValues = (pipeline: AnyQueryTarget, results: ReadonlyArray<Query.EntityValue<unknown>>) =>
      results.map(({ entity, value }) => ({ key: entity, value: render(pipeline, value) }))
    const span = (pipeline: AnyQueryTarget, buckets: BucketRange, results: ReadonlyArray<Query.EntityValue<unknown>>) => {
      // Only windowed pipelines reach here: the span helpers fail with NotWindowed otherwise.
      const window = pipeline.window!
      return {
        pipeline: pipeline.name,
        from: new Date(bucketStart(window, buckets.lo)).toISOString(),
        to: new Date(bucketStart(window, buckets.hi + 1)).toISOString(),
        buckets: buckets.hi - buckets.lo + 1,
        values: keyValues(pipeline, results)
      }
    }

    const pipelines = HttpApiBuilder.group(QueryApi, "pipelines", (handlers) =>
      handlers.handle("list", () =>
        Effect.succeed(options.pipelines.map((pipeline) => ({
          name: pipeline.name,
          monoid: pipeline.monoid.name,
          granularity: pipeline.window?.granularity ?? null,
          retentionMs: pipeline.window?.retentionMs ?? null
        })))))

    const aggregates = HttpApiBuilder.group(QueryApi, "aggregates", (handlers) =>
      handlers
        .handle("value", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Query.value(pipeline, urlParams.key).pipe(
              Effect.map((value) => ({ pipeline: pipeline.name, key: urlParams.key, value: render(pipeline, value) })),
              Effect.mapError(toHttpError)
            )))
        .handle("values", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Query.values(pipeline, asArray(urlParams.key)).pipe(
              Effect.map((results) => ({ pipeline: pipeline.name, values: keyValues(pipeline, results) })),
              Effect.mapError(toHttpError)
            )))
        .handle("window", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Effect.gen(function*() {
              // One reading of the clock, so the span reported is the span read.
              const now = yield* Clock.currentTimeMillis
              const buckets = yield* Query.windowBuckets(pipeline, urlParams.last, now)
              const results = yield* Query.windowMany(pipeline, asArray(urlParams.key), urlParams.last, now)
              return span(pipeline, buckets, results)
            }).pipe(Effect.mapError(toHttpError))))
        .handle("range", ({ path, urlParams }) =>
          Effect.flatMap(find(path.name), (pipeline) =>
            Effect.gen(function*() {
              const buckets = yield* Query.rangeBuckets(pipeline, urlParams.start, urlParams.end)
              const results = yield* Query.rangeMany(pipeline, asArray(urlParams.key), urlParams.start, urlParams.end)
              return span(pipeline, buckets, results)
            }).pipe(Effect.mapError(toHttpError)))))

    return HttpApiBuilder.api(QueryApi).pipe(Layer.provide([pipelines, aggregates]))
  }))
