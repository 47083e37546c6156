/** Request and response schemas of the query HTTP API (they also drive its OpenAPI document). */
import { HttpApiSchema } from "@effect/platform"
import { Duration, Option, ParseResult, Schema } from "effect"

/** The `:name` path segment: a pipeline's name. */
export const PipelineName = HttpApiSchema.param("name", Schema.String)

/** One aggregate key (`?key=`). */
export const Key = Schema.NonEmptyString.annotations({ description: "An aggregate key (entity)", examples: ["/pricing"] })

/** One or more keys: `?key=a&key=b`. */
export const Keys = Schema.Union(Key, Schema.NonEmptyArray(Key)).annotations({
  description: "One or more aggregate keys; repeat the parameter for several"
})

const units = [["days", 86_400_000], ["hours", 3_600_000], ["minutes", 60_000], ["seconds", 1_000]] as const

// The inverse of Duration.decodeUnknown on text: the largest unit that divides the duration exactly.
const durationText = (duration: Duration.Duration): string => {
  const ms = Duration.toMillis(duration)
  const unit = units.find(([, size]) => ms % size === 0)
  return unit === undefined ? `${ms} millis` : `${ms / unit[1]} ${unit[0]}`
}

/** `?last=`: a positive Effect duration such as `1 hour`, `90 minutes`, `7 days`. */
export const LastDuration = Schema.transformOrFail(Schema.String, Schema.DurationFromSelf, {
  strict: true,
  decode: (text, _options, ast) =>
    Option.match(Duration.decodeUnknown(text.trim()), {
      onNone: () => ParseResult.fail(new ParseResult.Type(ast, text, `"${text}" is not a duration such as "1 hour"`)),
      onSome: (duration) =>
        Duration.toMillis(duration) > 0
          ? ParseResult.succeed(duration)
          : ParseResult.fail(new ParseResult.Type(ast, text, "the duration must be above zero"))
    }),
  encode: (duration) => ParseResult.succeed(durationText(duration))
}).annotations({ description: "A duration such as '1 hour', '90 minutes' or '7 days'", examples: [Duration.hours(1)] })

/** An ISO-8601 instant (`?start=`, `?end=`). */
export const InstantParam = Schema.Date.annotations({ description: "An ISO-8601 instant", examples: [new Date(0)] })

/**
 * An aggregate as JSON: a number (sum, count, min, max), `null` when unset (min, max, first, last),
 * an array of strings (set), `{ at, value }` (first, last), or a custom monoid's JSON.
 */
export const AggregateJson = Schema.Unknown.annotations({
  identifier: "Aggregate",
  description: "number | null | string[] | { at, value } | a custom monoid's JSON"
})

/** One key's aggregate. */
export const KeyValue = Schema.Struct({ key: Schema.String, value: AggregateJson })

/** Response of `/value`. */
export const ValueResponse = Schema.Struct({ pipeline: Schema.String, key: Schema.String, value: AggregateJson })

/** Response of `/values`. */
export const ValuesResponse = Schema.Struct({ pipeline: Schema.String, values: Schema.Array(KeyValue) })

/** Response of `/window` and `/range`: the buckets read span `[from, to)`. */
export const SpanResponse = Schema.Struct({
  pipeline: Schema.String,
  from: Schema.String.annotations({ description: "Start of the first bucket read (ISO-8601, inclusive)" }),
  to: Schema.String.annotations({ description: "End of the last bucket read (ISO-8601, exclusive)" }),
  buckets: Schema.Number.annotations({ description: "Buckets read per key" }),
  values: Schema.Array(KeyValue)
})

/** One entry of `/pipelines`. */
export const PipelineInfo = Schema.Struct({
  name: Schema.String,
  monoid: Schema.String,
  granularity: Schema.NullOr(Schema.Literal("minute", "hour", "day")),
  retentionMs: Schema.NullOr(Schema.Number)
})

/** 404: no pipeline of that name is served. */
export class PipelineNotFound extends Schema.TaggedError<PipelineNotFound>()(
  "PipelineNotFound",
  { pipeline: Schema.String, message: Schema.String },
  HttpApiSchema.annotations({ status: 404 })
) {}

/** 400: the parameters decode but do not make a query (wrong kind of pipeline, bad span, too large). */
export class BadQuery extends Schema.TaggedError<BadQuery>()(
  "BadQuery",
  {
    reason: Schema.Literal("WindowRequired", "NotWindowed", "InvalidRange", "RangeTooLarge", "InvalidKey"),
    message: Schema.String
  },
  HttpApiSchema.annotations({ status: 400 })
) {}

/** 503: the store failed; `transient` says whether a retry may succeed. */
export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()(
  "StoreUnavailable",
  { transient: Schema.Boolean, message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}
