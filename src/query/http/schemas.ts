/** Request and response schemas of the query HTTP API (they also drive its OpenAPI document). */
import { HttpApiSchema } from "@effect/platform"
import * as Duration from "effect/Duration"
import * as JSONSchema from "effect/JSONSchema"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { durationSyntax, formatDuration, parseDuration } from "../../window/duration.js"

/** The `:name` path segment: a pipeline's name. */
export const PipelineName = HttpApiSchema.param("name", Schema.String)

/** One aggregate key (`?key=`). */
export const Key = Schema.NonEmptyString.annotations({ description: "An aggregate key (entity)", examples: ["/pricing"] })

/** One or more keys: `?key=a&key=b`. */
export const Keys = Schema.Union(Key, Schema.NonEmptyArray(Key)).annotations({
  description: "One or more aggregate keys; repeat the parameter for several"
})

/** `?last=`: a positive duration in the library's one syntax: `1h`, `90m`, `1 hour`, `7 days`. */
export const LastDuration = Schema.transformOrFail(Schema.String, Schema.DurationFromSelf, {
  strict: true,
  decode: (text, _options, ast) =>
    Option.match(parseDuration(text), {
      onNone: () => ParseResult.fail(new ParseResult.Type(ast, text, `"${text}" is not ${durationSyntax}`)),
      onSome: ParseResult.succeed
    }),
  encode: (duration) => ParseResult.succeed(formatDuration(duration))
}).annotations({ description: "A duration such as '1h', '90m', '1 hour' or '7 days'", examples: [Duration.hours(1)] })

// RFC 3339: a full date, a time with seconds, and an offset. Anything looser (`0`, `2025`,
// `March 1`) is refused rather than guessed at the way `new Date(text)` does.
const instantPattern = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/

const parseInstant = (text: string): Date | undefined => {
  const match = instantPattern.exec(text)
  if (match === null) return undefined
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  // Dates roll over (Feb 30 → Mar 2), so a field out of range shows up as a different field.
  // (setUTCFullYear, not Date.UTC, which reads the years 0–99 as 1900–1999.)
  const fields = new Date(0)
  fields.setUTCFullYear(year, month - 1, day)
  fields.setUTCHours(hour, minute, second)
  if (
    fields.getUTCFullYear() !== year || fields.getUTCMonth() !== month - 1 || fields.getUTCDate() !== day ||
    fields.getUTCHours() !== hour || fields.getUTCMinutes() !== minute || fields.getUTCSeconds() !== second
  ) return undefined
  const offset = match[8]!
  if (offset.length > 1 && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return undefined
  // Date reads a validated RFC 3339 text exactly (to the millisecond; finer digits are dropped).
  const date = new Date(text.toUpperCase())
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** An RFC 3339 instant (`?start=`, `?end=`), e.g. `2025-03-01T10:00:00Z` or `2025-03-01T11:00:00+01:00`. */
export const InstantParam = Schema.transformOrFail(Schema.String, Schema.DateFromSelf, {
  strict: true,
  decode: (text, _options, ast) => {
    const date = parseInstant(text)
    return date === undefined
      ? ParseResult.fail(new ParseResult.Type(ast, text, `"${text}" is not an ISO-8601 instant such as 2025-03-01T10:00:00Z`))
      : ParseResult.succeed(date)
  },
  encode: (date) => ParseResult.succeed(date.toISOString())
}).annotations({
  description: "An ISO-8601 (RFC 3339) instant with seconds and an offset",
  examples: [new Date(Date.UTC(2025, 2, 1, 10))]
})

/** An `hll` answer: the estimated number of distinct elements. */
export const HllAnswerJson = Schema.Struct({ estimate: Schema.Number }).annotations({ title: "hll" })

/** A `topK` answer: the items with their (under-)counts, most frequent first. */
export const TopKAnswerJson = Schema.Array(Schema.Struct({ item: Schema.String, count: Schema.Number })).annotations({
  title: "topK"
})

/** A `bloom` answer: its shape, the bits set and about how many elements were added (membership: `/contains`). */
export const BloomAnswerJson = Schema.Struct({
  bits: Schema.Number,
  hashes: Schema.Number,
  setBits: Schema.Number,
  estimate: Schema.NullOr(Schema.Number)
}).annotations({ title: "bloom" })

// One JSON Schema per kind of answer, for the OpenAPI document. The runtime schema stays Unknown:
// a union would strip fields of a custom monoid's JSON that happened to match a built-in shape.
const answerKinds: ReadonlyArray<Schema.Schema.Any> = [
  Schema.Number.annotations({ title: "sum, count, min, max; decayedSum: its value now" }),
  Schema.String.annotations({ title: "sum: decimal text, when a double cannot hold it" }),
  Schema.Null.annotations({ title: "min, max, first, last: unset" }),
  Schema.Array(Schema.String).annotations({ title: "set: sorted members" }),
  Schema.Struct({ at: Schema.Number, value: Schema.Unknown }).annotations({ title: "first, last" }),
  HllAnswerJson,
  TopKAnswerJson,
  BloomAnswerJson,
  Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({ title: "mapOf: each key's answer" }),
  Schema.Array(Schema.Unknown).annotations({ title: "tuple: each component's answer" })
]

const inlineJsonSchema = (schema: Schema.Schema.Any): object => {
  const { $schema: _, ...rest } = JSONSchema.make(schema)
  return rest
}

/**
 * An aggregate as JSON, by monoid: a number (sum, count, min, max, a decayed sum's value now),
 * decimal text (a sum past a double), `null` (unset), sorted strings (set), `{ at, value }`
 * (first, last), `{ estimate }` (hll), `[{ item, count }]` (topK), `{ bits, hashes, setBits,
 * estimate }` (bloom), an object of answers (mapOf), an array of answers (tuple), or a custom
 * monoid's JSON.
 */
export const AggregateJson = Schema.Unknown.annotations({
  identifier: "Aggregate",
  description: "The aggregate's answer, by the pipeline's monoid (see /pipelines for each one's monoid)",
  jsonSchema: { anyOf: [...answerKinds.map(inlineJsonSchema), { title: "custom: the monoid's JSON" }] }
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

/** Response of `/contains`: whether the key's Bloom filter may hold the element (all-time, or over `last`). */
export const ContainsResponse = Schema.Struct({
  pipeline: Schema.String,
  key: Schema.String,
  element: Schema.String,
  contains: Schema.Boolean.annotations({ description: "false is certain; true is wrong at about the filter's false-positive rate" }),
  from: Schema.NullOr(Schema.String).annotations({ description: "Start of the span read; null for all-time" }),
  to: Schema.NullOr(Schema.String).annotations({ description: "End of the span read (exclusive); null for all-time" })
})

/** One entry of `/pipelines`. */
export const PipelineInfo = Schema.Struct({
  name: Schema.String,
  monoid: Schema.String,
  granularity: Schema.NullOr(Schema.Literal("minute", "hour", "day")),
  retentionMs: Schema.NullOr(Schema.Number)
})

/** `?n=`: how many keys `/top` answers, 1 to 100. */
export const TopCount = Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 100)).annotations({
  description: "How many keys, 1 to 100 (default 10)"
})

/** Response of `/top`: the largest values among the keys the application named, largest first. */
export const TopResponse = Schema.Struct({
  pipeline: Schema.String,
  from: Schema.NullOr(Schema.String).annotations({ description: "Start of the span read; null for all-time" }),
  to: Schema.NullOr(Schema.String).annotations({ description: "End of the span read (exclusive); null for all-time" }),
  candidates: Schema.Number.annotations({ description: "How many keys were ranked" }),
  values: Schema.Array(KeyValue)
})

/** One bucket of a `/series` answer. */
export const BucketValue = Schema.Struct({
  start: Schema.String.annotations({ description: "Start of the bucket (ISO-8601)" }),
  value: AggregateJson
})

/** Response of `/series`: one key's value in each bucket of the span, oldest first. */
export const SeriesResponse = Schema.Struct({
  pipeline: Schema.String,
  key: Schema.String,
  from: Schema.String,
  to: Schema.String,
  buckets: Schema.Array(BucketValue)
})

/** One shard in `/live`. */
export const ShardLiveJson = Schema.Struct({
  shard: Schema.String,
  records: Schema.Number,
  recordsPerSecond: Schema.Number,
  millisBehindLatest: Schema.NullOr(Schema.Number),
  /** The worker holding the shard's lease, when the driver runs as leased workers. */
  owner: Schema.optional(Schema.String)
})

/** Response of `/live`: driver progress per shard and per-pipeline counters, read now. */
export const LiveResponse = Schema.Struct({
  at: Schema.String,
  drivers: Schema.Array(Schema.Struct({
    name: Schema.String,
    pipeline: Schema.String,
    records: Schema.Number,
    recordsPerSecond: Schema.Number,
    shards: Schema.Array(ShardLiveJson)
  })),
  counters: Schema.Array(Schema.Struct({
    pipeline: Schema.String,
    merged: Schema.Number,
    retries: Schema.Number,
    deadLetters: Schema.Number,
    decodeErrors: Schema.Number
  }))
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
    reason: Schema.Literal("WindowRequired", "NotWindowed", "InvalidRange", "RangeTooLarge", "InvalidKey", "NotBloom"),
    message: Schema.String
  },
  HttpApiSchema.annotations({ status: 400 })
) {}

/**
 * 503: the store failed. `error` names the failure's tag and `transient` whether a retry may
 * succeed; the message is generic, the store's own text (hosts, table names) goes to the log only.
 */
export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()(
  "StoreUnavailable",
  { error: Schema.String, transient: Schema.Boolean, message: Schema.String },
  HttpApiSchema.annotations({ status: 503 })
) {}
