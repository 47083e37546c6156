import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
/**
 * Retries `attempt` every 200 ms until it succeeds, and gives up only when its failure has not
 * changed for `stallMs`: a deadline on progress (the failure says how far it got, e.g. "counted
 * 3 so far"), never on the total time a slow machine needs.
 */
export const retryWhileProgressing = <A, E, R>(attempt: Effect.Effect<A, E, R>, stallMs = 60_000): Effect.Effect<A, E, R> => {
  let seen: string | undefined
  let movedAt = Date.now()
  return Effect.retry(attempt, {
    schedule: Schedule.spaced("200 millis"),
    while: (failure) => {
      const now = String(failure)
      if (now !== seen) {
        seen = now
        movedAt = Date.now()
      }
      return Date.now() - movedAt <= stallMs
    }
  })
}
