/**
 * Every typed error the library raises, in one module so users can `catchTag` them.
 */
import * as Data from "effect/Data"
/** A pipeline definition is incomplete or inconsistent. `missing` names the piece. */
export class InvalidPipeline extends Data.TaggedError("InvalidPipeline")<{
  readonly pipeline: string
  readonly missing: "name" | "key extractor" | "value extractor" | "monoid" | "store"
  readonly message: string
}> {}

/**
 * Why a record was not turned into deltas. Decoding: `empty`, `too-large` (record bytes), `base64`,
 * `json`, `schema`, `custom` (a decoder or extractor threw or said no). What the store could never
 * hold, found while planning: `key` (empty, over 2048 bytes), `unicode` (a key with a lone
 * surrogate, which DynamoDB would fold into another key's row), `number` (a numeric value that is
 * not finite, not a decimal, or outside DynamoDB's range: 38 significant digits, magnitude
 * 1e-130 to under 1e126, or 0), `time` (an event or arrival time outside 1970-01-01 to
 * 9999-12-31 UTC on a windowed pipeline, so its bucket id or TTL could not be stored), `value-size`
 * (one value alone over its monoid's row budget, `maxEncodedBytes` or e.g. `set`'s `maxMembers`).
 */
export type DecodeReason =
  | "empty"
  | "too-large"
  | "base64"
  | "json"
  | "schema"
  | "custom"
  | "key"
  | "unicode"
  | "number"
  | "time"
  | "value-size"

/**
 * A record's bytes could not be turned into an event, or its key, value or time could never be
 * stored (see `DecodeReason`). Messages carry no payload bytes: at most the first 32 characters of
 * an offending key or value, cut with `…`.
 */
export class DecodeError extends Data.TaggedError("DecodeError")<{
  readonly reason: DecodeReason
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * What kind of failure a `StoreError` is:
 * - `validation`: the store refused this request's data for good (a number out of range, an item
 *   too large, a malformed row); the processor isolates the contributions that caused it;
 * - `defect`: the monoid threw while combining (isolated the same way);
 * - `missing-table`, `access-denied`, `config`: the environment or the library's configuration is
 *   wrong (no table, no permission or credentials, no claims table); fixing it cures every record;
 * - `throttled`, `network`, `server`, `conflict`: transient, retried with backoff;
 * - `unknown`: anything else.
 */
export type StoreErrorReason =
  | "validation"
  | "defect"
  | "missing-table"
  | "access-denied"
  | "config"
  | "throttled"
  | "network"
  | "server"
  | "conflict"
  | "unknown"

/**
 * A state backend call failed. `transient` errors (throttling, 5xx, network, conflicts) are
 * retried by the processor; the others (validation, missing table) are not. `reason` classifies it
 * (absent on errors made by code that does not classify, e.g. a test double: treat as `unknown`).
 */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly operation: string
  readonly transient: boolean
  readonly reason?: StoreErrorReason
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * A contribution would grow its row past the monoid's budget (e.g. a `set` past `maxMembers` or
 * `maxBytes`), found at commit time against the stored row. Only the records that would cause it
 * get this error; the rest of the row's contributions are applied. Raise the limit, or count
 * uniques with `hll()` (fixed size) instead of a `set`.
 */
export class RowTooLarge extends Data.TaggedError("RowTooLarge")<{
  readonly table: string
  readonly entity: string
  readonly bucket: number
  readonly message: string
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
export type RecordError = RetriesExhausted | StoreError | InvalidKey | RowTooLarge

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
