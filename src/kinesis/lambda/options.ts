import * as Either from "effect/Either"
import type * as Clock from "effect/Clock"
import type * as Layer from "effect/Layer"
import { InvalidConfig, type DecodeError } from "../../errors.js"
import type { Metrics } from "../../metrics/Metrics.js"
import { checkRetryPolicy, type RetryPolicy } from "../../retry/index.js"
import type { Store } from "../../state/Store.js"
import type { DeliveryOptions } from "./deliveryOptions.js"

/** The services a batch needs; a layer may provide more (Cache, Deduper). */
export type HandlerServices = Store | Metrics

/**
 * Called for each record whose bytes do not decode, with what arrived: the raw bytes (for data
 * that was not base64, the raw text's bytes), the Kinesis sequence number, the partition key
 * and the typed error. Its own failures are ignored.
 */
export type DecodeErrorCallback = (
  raw: Uint8Array,
  sequenceNumber: string,
  partitionKey: string,
  error: DecodeError
) => void | Promise<void>

/** Options of `kinesisHandler`; every one is optional. */
export interface KinesisHandlerOptions extends DeliveryOptions {
  /**
   * The services batches run with, built once per container (lazily, at the first invocation).
   * Default: the live DynamoDB layers configured from environment variables.
   */
  readonly layer?: Layer.Layer<HandlerServices, unknown> | undefined
  /**
   * Commit attempts per row and their full-jitter backoff, as the polling consumer takes them.
   * Default `{ maxAttempts: 3, baseMs: 50, capMs: 5000 }` (the Go library's).
   */
  readonly retry?: Partial<RetryPolicy> | undefined
  /**
   * Stop starting new commits when `context.getRemainingTimeInMillis()` falls below this, and
   * report the rest for retry. Default 1000.
   */
  readonly deadlineMarginMs?: number | undefined
  /**
   * Report records that fail to decode as failed. Default false: their redelivery would fail the
   * same way and block the shard.
   */
  readonly reportDecodeErrors?: boolean | undefined
  readonly onDecodeError?: DecodeErrorCallback | undefined
  /** Commits in flight at once. Default: the processor's (16). */
  readonly concurrency?: number | undefined
  /**
   * Stop at the first failed record (the rest are reported, not attempted). Default true, which
   * is right for a shard's in-order batches (ParallelizationFactor 1).
   */
  readonly inOrder?: boolean | undefined
  /** The clock used when a record has no arrival timestamp, and by retries. Default: Effect's. */
  readonly clock?: Clock.Clock | undefined
}

/** Options of `kinesisHandlerWithLayer`: those of `kinesisHandler`, with `layer` required. */
export interface KinesisHandlerWithLayerOptions extends KinesisHandlerOptions {
  readonly layer: Layer.Layer<HandlerServices, unknown>
}

/** Options with defaults applied and values checked. */
export interface ResolvedOptions {
  readonly layer: Layer.Layer<HandlerServices, unknown> | undefined
  readonly retry: RetryPolicy
  readonly deadlineMarginMs: number
  readonly reportDecodeErrors: boolean
  readonly onDecodeError: DecodeErrorCallback | undefined
  readonly concurrency: number | undefined
  readonly inOrder: boolean
  readonly clock: Clock.Clock | undefined
}

const fail = (field: string, message: string) => Either.left(new InvalidConfig({ field, message }))

const isWhole = (value: number) => Number.isSafeInteger(value)
const isNonNegative = (value: number) => Number.isFinite(value) && value >= 0

/** Applies the defaults (the retry policy's from `src/retry`) and checks every value. */
export const resolveOptions = (options: KinesisHandlerOptions = {}): Either.Either<ResolvedOptions, InvalidConfig> => {
  const retry = checkRetryPolicy(options.retry)
  if (Either.isLeft(retry)) return Either.left(retry.left)
  const deadlineMarginMs = options.deadlineMarginMs ?? 1_000
  if (!isNonNegative(deadlineMarginMs)) return fail("deadlineMarginMs", "deadlineMarginMs must be a finite number ≥ 0")
  if (options.concurrency !== undefined && (!isWhole(options.concurrency) || options.concurrency < 1)) {
    return fail("concurrency", "concurrency must be a whole number ≥ 1")
  }
  if (options.onDecodeError !== undefined && typeof options.onDecodeError !== "function") {
    return fail("onDecodeError", "onDecodeError must be a function")
  }
  return Either.right({
    layer: options.layer,
    retry: retry.right,
    deadlineMarginMs,
    reportDecodeErrors: options.reportDecodeErrors ?? false,
    onDecodeError: options.onDecodeError,
    concurrency: options.concurrency,
    inOrder: options.inOrder ?? true,
    clock: options.clock
  })
}
