import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { StoreError } from "../../errors.js"
import { type RetryPolicy, retrySchedule } from "../../retry/index.js"

/** Internal: a compare-and-swap write lost to another writer. Never leaves this folder. */
export class Conflict extends Data.TaggedError("Conflict")<{ readonly table: string }> {}

/**
 * Retries `attempt` on `Conflict` with full-jitter backoff, bounded; once exhausted the conflict
 * becomes a transient `StoreError` (the processor may retry the whole commit later: the two
 * bounds multiply, see `src/retry`).
 */
export const retryConflicts = <A, E>(
  operation: string,
  policy: RetryPolicy,
  attempt: Effect.Effect<A, E | Conflict>
): Effect.Effect<A, Exclude<E, Conflict> | StoreError> =>
  attempt.pipe(
    Effect.retry({ schedule: retrySchedule(policy), while: (error) => isConflict(error) }),
    Effect.catchIf(isConflict, (conflict) =>
      Effect.fail(
        new StoreError({
          operation,
          transient: true,
          reason: "conflict",
          message: `${operation} on ${conflict.table}: still conflicting after ${policy.maxAttempts} attempts`
        })
      ))
  ) as Effect.Effect<A, Exclude<E, Conflict> | StoreError>

const isConflict = (error: unknown): error is Conflict =>
  typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "Conflict"
