/**
 * Every typed error the library raises, in one module so users can `catchTag` them.
 */
import { Data } from "effect"

/** A pipeline definition is incomplete or inconsistent. `missing` names the piece. */
export class InvalidPipeline extends Data.TaggedError("InvalidPipeline")<{
  readonly pipeline: string
  readonly missing: "name" | "key extractor" | "value extractor" | "monoid" | "store"
  readonly message: string
}> {}

/** A record's bytes could not be turned into an event (bad base64, JSON, schema, size, key). */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  readonly reason: "empty" | "too-large" | "base64" | "json" | "schema" | "custom" | "key"
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * A state backend call failed. `transient` errors (throttling, 5xx, network, conflicts) are
 * retried by the processor; the others (validation, missing table) are not.
 */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly operation: string
  readonly transient: boolean
  readonly message: string
  readonly cause?: unknown
}> {}

/** A key extractor returned a key the store cannot hold (empty, or more than 2048 bytes). */
export class InvalidKey extends Data.TaggedError("InvalidKey")<{
  readonly key: string
  readonly message: string
}> {}

/** A delta for one (key, bucket) still failed after every attempt. */
export class RetriesExhausted extends Data.TaggedError("RetriesExhausted")<{
  readonly pipeline: string
  readonly entity: string
  readonly bucket: number
  readonly attempts: number
  readonly cause: StoreError
}> {}

/** A record's processing failed; carries the reason. */
export type RecordError = RetriesExhausted | StoreError | InvalidKey

/** A checkpoint write lost to a newer one (another worker moved the shard further). */
export class StaleCheckpoint extends Data.TaggedError("StaleCheckpoint")<{
  readonly shardId: string
  readonly attempted: string
  readonly message: string
}> {}

/** Configuration given to a driver is invalid. */
export class InvalidConfig extends Data.TaggedError("InvalidConfig")<{
  readonly field: string
  readonly message: string
}> {}

/**
 * A query asked for a windowed pipeline's all-time value (`value`, `values`). A windowed pipeline
 * keeps no all-time row, so ask for a `window` or a `range` instead.
 */
export class WindowRequired extends Data.TaggedError("WindowRequired")<{
  readonly pipeline: string
  readonly message: string
}> {}

/** A `window` or `range` query named a pipeline without time buckets: use `value` instead. */
export class NotWindowed extends Data.TaggedError("NotWindowed")<{
  readonly pipeline: string
  readonly message: string
}> {}

/** A query's time span is unusable: end before start, a non-finite instant, or a duration of zero. */
export class InvalidRange extends Data.TaggedError("InvalidRange")<{
  readonly pipeline: string
  readonly message: string
}> {}

/**
 * A query would read more rows than `QueryLimits` allows (`buckets` per key, `rows` in all). Raise
 * the limit with `QueryLimits`, or ask for a coarser window.
 */
export class RangeTooLarge extends Data.TaggedError("RangeTooLarge")<{
  readonly pipeline: string
  readonly buckets: number
  readonly rows: number
  readonly message: string
}> {}

/**
 * A Kinesis API call failed. `reason` says how the polling consumer reacts: `expired-iterator` →
 * a fresh iterator after the last processed record; `throttled` → full-jitter backoff; `other` →
 * the error callback, then backoff.
 */
export class KinesisError extends Data.TaggedError("KinesisError")<{
  readonly operation: string
  readonly reason: "expired-iterator" | "throttled" | "other"
  readonly message: string
  readonly cause?: unknown
}> {}
