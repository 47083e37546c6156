/**
 * Commits one unit (a row's contributions) with retries entered only after a transient failure,
 * so the success path allocates no schedule.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { RetriesExhausted, StoreError } from "../errors.js"
import type { MetricsService } from "../metrics/Metrics.js"
import { type RetryPolicy, retrySchedule } from "../retry/index.js"
import type { CommitOutcome, CommitRequest } from "../state/Commit.js"
import type { StoreService } from "../state/Store.js"

/** Whether the processor retries an error: only `StoreError`s marked transient. */
export const isTransient = (error: unknown): error is StoreError =>
  error instanceof StoreError && error.transient

/** A unit's commit either returns the store's outcome or the error that ends it. */
export type UnitResult<V> = CommitOutcome<V> | RetriesExhausted | StoreError

/**
 * Retries a commit whose first attempt failed with `first`. The first failure is replayed into
 * the schedule, so the n-th retry waits `retrySchedule`'s n-th delay and attempts stay bounded.
 *
 * Shaped for speed (bench/processor.bench.ts): `commitUnit` runs the first attempt bare and only
 * a failure builds this schedule, so the success path allocates none; the `replayed` flag hands
 * that failure to `Effect.retry` instead of running the commit a second time.
 */
export const retryCommit = <V>(
  store: StoreService,
  metrics: MetricsService,
  policy: RetryPolicy,
  request: CommitRequest<V>,
  first: StoreError
): Effect.Effect<CommitOutcome<V>, StoreError | RetriesExhausted> => {
  let replayed = false
  const retryCounter = `${request.pipeline}:retry`
  const attempt = Effect.suspend(() => {
    if (!replayed) {
      replayed = true
      return Effect.fail(first)
    }
    return Effect.zipRight(metrics.increment(retryCounter), store.commit(request))
  })
  return Effect.retry(attempt, { schedule: retrySchedule(policy), while: isTransient }).pipe(
    Effect.catchIf(isTransient, (last) =>
      Effect.fail(
        new RetriesExhausted({
          pipeline: request.pipeline,
          entity: request.key.entity,
          bucket: request.key.bucket,
          attempts: policy.maxAttempts,
          cause: last
        })
      ))
  )
}

/**
 * One commit with its retries, never failing: errors (and defects, such as a monoid that throws)
 * become the result. Interruption is not caught.
 */
export const commitUnit = <V>(
  store: StoreService,
  metrics: MetricsService,
  policy: RetryPolicy,
  request: CommitRequest<V>
): Effect.Effect<UnitResult<V>> =>
  store.commit(request).pipe(
    Effect.catchIf(isTransient, (error) => retryCommit(store, metrics, policy, request, error)),
    Effect.catchAllCause((cause): Effect.Effect<UnitResult<V>> => {
      if (Cause.isInterrupted(cause)) return Effect.failCause(cause as Cause.Cause<never>)
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure)) return Effect.succeed(failure.value)
      return Effect.succeed(
        new StoreError({
          operation: "commit",
          transient: false,
          reason: "defect",
          message: `commit died: ${Cause.pretty(cause)}`,
          cause: Cause.squash(cause)
        })
      )
    })
  )
