/** The schedules a `RetryPolicy` stands for: full-jitter backoff, unbounded or bounded. */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import * as Schedule from "effect/Schedule"
import type { RetryPolicy } from "./RetryPolicy.js"

/** The part of a policy that sets delays (no bound): what an endless retry loop takes. */
export type Backoff = Pick<RetryPolicy, "baseMs" | "capMs">

/**
 * Ceiling of the n-th retry's delay (n from 0): min(cap, base·2ⁿ), without overflow for large n.
 *
 * @example
 * backoffCeilingMs({ baseMs: 50, capMs: 5000 }, 3) // 400
 */
export const backoffCeilingMs = (backoff: Backoff, retry: number): number =>
  retry >= 52 ? backoff.capMs : Math.min(backoff.capMs, backoff.baseMs * 2 ** retry)

/**
 * Exponential backoff with AWS "full jitter": the n-th delay is uniform in [0, min(cap, base·2ⁿ)],
 * drawn from Effect's `Random` (seedable in tests). `Schedule.jittered` is not this: it scales a
 * delay by 0.8–1.2. Unbounded: use `retrySchedule` for a bounded one.
 *
 * @example
 * Effect.retry(call, fullJitterBackoff({ baseMs: 50, capMs: 5000 }))
 */
export const fullJitterBackoff = (backoff: Backoff): Schedule.Schedule<number> =>
  Schedule.forever.pipe(
    Schedule.addDelayEffect((retry) =>
      Effect.map(Random.next, (unit) => Duration.millis(Math.floor(unit * backoffCeilingMs(backoff, retry))))
    )
  )

/**
 * Full-jitter backoff limited to `maxAttempts` attempts in all (so `maxAttempts - 1` retries).
 *
 * @example
 * Effect.retry(call, { schedule: retrySchedule(defaultRetryPolicy), while: isTransient })
 */
export const retrySchedule = (policy: RetryPolicy): Schedule.Schedule<number> =>
  Schedule.intersect(fullJitterBackoff(policy), Schedule.recurs(policy.maxAttempts - 1)).pipe(
    Schedule.map(([retry]) => retry)
  )

/**
 * The longest a policy can wait in backoff before giving up: the sum of its `maxAttempts - 1`
 * delay ceilings. With the defaults, 50 + 100 = 150 ms.
 *
 * @example
 * worstCaseBackoffMs(defaultConflictPolicy) // 20+40+80+160+320+640+1000 = 2260
 */
export const worstCaseBackoffMs = (policy: RetryPolicy): number => {
  let total = 0
  for (let n = 0; n < policy.maxAttempts - 1; n++) total += backoffCeilingMs(policy, n)
  return total
}
