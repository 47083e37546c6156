/**
 * Dead letters: what a driver does with a record that can never succeed, shared by the Lambda
 * handler and (later) the polling consumer.
 */
import * as Effect from "effect/Effect"
import type { StoreErrorReason } from "../errors.js"
import type { SourceRecord } from "../processor/types.js"
import { reasonOf } from "../state/storeErrors.js"

/**
 * What a driver does with a record that can never succeed (see `canNeverSucceed`):
 * - `"stop"`: keep it failed. Lambda reports it, so the shard waits on it until the mapping's
 *   retry or age limit (the Lambda default: the behaviour before this option existed);
 * - `"skip"`: call `onDeadLetter`, count `<pipeline>:dead_letter`, and move on past it.
 */
export type DeadLetterPolicy = "stop" | "skip"

/** One record given up on, as handed to `onDeadLetter`. No payload is logged; it is here for you to keep. */
export interface DeadLetter {
  readonly pipeline: string
  /** The shard it came from, when known. */
  readonly shardId: string | undefined
  /** The record as the driver read it: event id, sequence number, partition key, raw bytes, time. */
  readonly record: SourceRecord
  /** Why it can never succeed: a typed error (`_tag`, `message`). */
  readonly error: { readonly _tag: string; readonly message: string }
}

/**
 * Called once for each record skipped as a dead letter, before the driver moves past it. When it
 * throws or rejects, the record is not skipped (it is failed as under `"stop"`), so a dead letter
 * is never dropped without reaching you. A redelivered record may be handed over again.
 */
export type DeadLetterCallback = (letter: DeadLetter) => void | Promise<void>

// A wrong environment (table, credentials, permissions) or configuration (no claims table) is not
// the record's fault: fixing it makes every such record succeed, so they are never dead letters.
const environmentReasons: ReadonlySet<StoreErrorReason | undefined> = new Set(["missing-table", "access-denied", "config"])

const tagOf = (value: unknown): string | undefined =>
  typeof value === "object" && value !== null && typeof (value as { _tag?: unknown })._tag === "string"
    ? (value as { _tag: string })._tag
    : undefined

/**
 * Whether a `Failed` record's error means no retry can ever apply it: a `StoreError` that is not
 * transient (DynamoDB rejected the value, key or row for good), an `InvalidKey`, or another typed
 * validation error. Never: transient errors and exhausted retries (a later try may pass),
 * `InvalidConfig` and errors of the environment (missing table, denied access, bad credentials, no
 * claims table), which fixing the configuration cures.
 *
 * @example
 * if (outcome._tag === "Failed" && canNeverSucceed(outcome.error)) deadLetter(record)
 */
export const canNeverSucceed = (error: unknown): boolean => {
  switch (tagOf(error)) {
    case undefined:
    case "RetriesExhausted":
    case "InvalidConfig":
      return false
    case "StoreError": {
      const storeError = error as { readonly transient: boolean; readonly reason?: StoreErrorReason; readonly cause?: unknown }
      if (storeError.transient) return false
      // A StoreError built without a reason is classified from its SDK cause, as the store would.
      return !environmentReasons.has(storeError.reason) && !environmentReasons.has(reasonOf(storeError.cause))
    }
    default:
      return true
  }
}

/**
 * Hands one dead letter to the callback; succeeds with whether the record may be skipped (no
 * callback, or it returned without failing). Never fails.
 *
 * @example
 * const skipped = yield* deliverDeadLetter(options.onDeadLetter, letter)
 */
export const deliverDeadLetter = (
  callback: DeadLetterCallback | undefined,
  letter: DeadLetter
): Effect.Effect<boolean> =>
  callback === undefined
    ? Effect.succeed(true)
    : Effect.tryPromise(async () => callback(letter)).pipe(
      Effect.as(true),
      Effect.catchAll((error) =>
        Effect.as(
          Effect.logWarning(
            `murmur: onDeadLetter failed for ${letter.record.sequence ?? letter.record.eventId}; the record is reported instead`,
            String(error.error ?? error)
          ),
          false
        )
      )
    )
