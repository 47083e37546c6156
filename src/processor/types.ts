import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import type { DecodeError, InvalidConfig, RecordError } from "../errors.js"
import type { RetryPolicy } from "../retry/index.js"

/** One source record as the drivers hand it to the processor: raw bytes plus provenance. */
export interface SourceRecord {
  /** Stable id across redeliveries, e.g. `<eventSourceARN>/<sequenceNumber>`. */
  readonly eventId: string
  /** Event time, epoch ms: places windowed deltas in their buckets. */
  readonly eventTimeMs: number
  readonly data: Uint8Array
  /** Kinesis sequence number, when the source has one. */
  readonly sequence?: string | undefined
  readonly partitionKey?: string | undefined
}

/** Turns a record's bytes into an event, or says why not. Synchronous: it runs once per record. */
export interface Decoder<E> {
  readonly decode: (data: Uint8Array) => Either.Either<E, DecodeError>
}

/** What happened to one record of a batch. */
export type RecordOutcome =
  | { readonly _tag: "Succeeded" }
  /** Every delta of the record had been applied before (a redelivery). */
  | { readonly _tag: "Duplicate" }
  /** Its bytes did not decode; nothing was applied. */
  | { readonly _tag: "DecodeFailed"; readonly error: DecodeError }
  /**
   * Applying it failed after retries; nothing of it that a retry would apply twice was applied.
   * `InvalidConfig` when the batch cannot be processed as configured (e.g. `fenced` without a shard).
   */
  | { readonly _tag: "Failed"; readonly error: RecordError | InvalidConfig }
  /** Not started: after an in-order failure, or past the deadline. Safe to redeliver. */
  | { readonly _tag: "NotAttempted" }

export interface BatchResult {
  /** One outcome per input record, in input order. */
  readonly outcomes: ReadonlyArray<RecordOutcome>
}

export interface BatchOptions {
  /**
   * The records are a contiguous, in-order run of this shard. Enables the fenced strategy (under
   * `delivery: "auto"`) and in-order mode.
   */
  readonly shardId?: string | undefined
  /**
   * Stop at the first failed record: it is `Failed`, every later record `NotAttempted`, so a
   * Kinesis driver reports one sequence number. Default: true when `shardId` is given.
   */
  readonly inOrder?: boolean | undefined
  /**
   * Attempts per row commit and their backoff (see `src/retry`); missing fields take the defaults
   * (3 attempts, 50 ms base, 5 s cap). The drivers pass the policy they resolved from their options.
   */
  readonly retry?: Partial<RetryPolicy> | undefined
  /** Called for each record that fails to decode (after the `decode_error` metric). */
  readonly onDecodeError?: ((record: SourceRecord, error: DecodeError) => Effect.Effect<void>) | undefined
  /** Checked before starting each commit: once true, no new work starts (Lambda deadline). */
  readonly shouldStop?: (() => boolean) | undefined
  /** Commits in flight at once (distinct rows; one row's commits never overlap). Default 16. */
  readonly concurrency?: number | undefined
  /**
   * What a key extractor that throws or returns an invalid key (empty, over 2048 UTF-8 bytes) does
   * to its record. `"skip"` (default): the record is `DecodeFailed` with reason `"key"` (counted as
   * `decode_error`, passed to `onDecodeError`, never blocks an in-order shard, since a retry would
   * fail the same way). `"fail"`: the record is `Failed` with `InvalidKey`.
   */
  readonly invalidKey?: "skip" | "fail" | undefined
}
