import { Duration, Effect, Random, Schedule } from "effect"
import type { RetryPolicy } from "./types.js"

/** The Go library's defaults: 3 attempts, 50 ms base, 5 s cap. */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 3, baseMs: 50, capMs: 5_000 }

export const resolveRetryPolicy = (overrides: Partial<RetryPolicy> | undefined): RetryPolicy => ({
  maxAttempts: Math.max(1, Math.floor(overrides?.maxAttempts ?? defaultRetryPolicy.maxAttempts)),
  baseMs: Math.max(0, overrides?.baseMs ?? defaultRetryPolicy.baseMs),
  capMs: Math.max(0, overrides?.capMs ?? defaultRetryPolicy.capMs)
})

/**
 * Ceiling of the n-th retry's delay (n from 0): min(cap, base * 2^n). Computed without overflow
 * for large n.
 */
export const backoffCeilingMs = (policy: Pick<RetryPolicy, "baseMs" | "capMs">, retry: number): number =>
  retry >= 52 ? policy.capMs : Math.min(policy.capMs, policy.baseMs * 2 ** retry)

/**
 * Exponential backoff with AWS "full jitter": the n-th delay is uniform in [0, min(cap, base*2^n)],
 * drawn from Effect's `Random` (seedable in tests). Unbounded: combine with `Schedule.recurs` or
 * use `retrySchedule` for a bounded one.
 *
 * @example
 * Effect.retry(call, fullJitterBackoff({ baseMs: 50, capMs: 5000 }))
 */
export const fullJitterBackoff = (
  policy: Pick<RetryPolicy, "baseMs" | "capMs">
): Schedule.Schedule<number> =>
  Schedule.forever.pipe(
    Schedule.addDelayEffect((retry) =>
      Effect.map(Random.next, (unit) => Duration.millis(Math.floor(unit * backoffCeilingMs(policy, retry))))
    )
  )

/** Full-jitter backoff limited to `maxAttempts` attempts in all (so `maxAttempts - 1` retries). */
export const retrySchedule = (policy: RetryPolicy): Schedule.Schedule<number> =>
  Schedule.intersect(fullJitterBackoff(policy), Schedule.recurs(policy.maxAttempts - 1)).pipe(
    Schedule.map(([retry]) => retry)
  )
