/**
 * Span helpers for the processor and the state backends. Effect's spans are not free even with no
 * exporter (a span object, a context copy and clock reads each, and every failure inside a span is
 * wrapped to carry it), so the library makes spans only when a real tracer is installed (for
 * example `layerOtel` from `murmur-ts/otel`): with none, nothing changes on any path.
 */
import * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"
// Effect's built-in tracer, installed when nobody provides one: its spans go nowhere.
const builtInTracer: Tracer.Tracer = Effect.runSync(Effect.tracer)

/**
 * Whether spans are exported: a tracer other than Effect's built-in one is installed.
 *
 * @example
 * const traced = yield* tracingEnabled
 * const commit = traced ? Effect.withSpan(rowCommit, "murmur.commit_row") : rowCommit
 */
export const tracingEnabled: Effect.Effect<boolean> = Effect.tracerWith((tracer) => Effect.succeed(tracer !== builtInTracer))

/**
 * Runs `self` in a span when a real tracer is installed, and as it is otherwise.
 *
 * @example
 * send("GetItem", run).pipe(withSpanWhenTraced("dynamodb.GetItem", { kind: "client" }))
 */
export const withSpanWhenTraced =
  (name: string, options: Tracer.SpanOptions) => <A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(tracingEnabled, (traced) => (traced ? Effect.withSpan(self, name, options) : self))

/** Span names the library uses, so exporters and tests agree. */
export const spanNames = {
  batch: "murmur.batch",
  commitRow: "murmur.commit_row",
  commitRetry: "murmur.commit_retry",
  /** Prefix of store requests: `dynamodb.UpdateItem`, `dynamodb.GetItem`, … */
  dynamodb: "dynamodb."
} as const

/** Outcome tags counted on a batch span, as attribute names. */
const outcomeAttribute: Record<string, string> = {
  Succeeded: "outcomes.succeeded",
  Duplicate: "outcomes.duplicate",
  DecodeFailed: "outcomes.decode_failed",
  Failed: "outcomes.failed",
  NotAttempted: "outcomes.not_attempted"
}

/**
 * Counts outcomes by tag as span attributes (`outcomes.succeeded`, `outcomes.failed`, …).
 *
 * @example
 * Effect.annotateCurrentSpan(outcomeCounts(result.outcomes))
 */
export const outcomeCounts = (outcomes: ReadonlyArray<{ readonly _tag: string }>): Record<string, number> => {
  const counts: Record<string, number> = {
    "outcomes.succeeded": 0,
    "outcomes.duplicate": 0,
    "outcomes.decode_failed": 0,
    "outcomes.failed": 0,
    "outcomes.not_attempted": 0
  }
  for (const outcome of outcomes) {
    const attribute = outcomeAttribute[outcome._tag]
    if (attribute !== undefined) counts[attribute]!++
  }
  return counts
}
