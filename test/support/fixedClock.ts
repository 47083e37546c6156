import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"

/**
 * A clock standing at `nowMs`, for answers relative to now that must not move while a test runs
 * against a real server (TestClock needs the test's own runtime); sleeping still takes real time.
 */
export const fixedClock = (nowMs: number): Clock.Clock => {
  const real = Clock.make()
  return {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => nowMs,
    currentTimeMillis: Effect.succeed(nowMs),
    unsafeCurrentTimeNanos: () => BigInt(nowMs) * 1_000_000n,
    currentTimeNanos: Effect.succeed(BigInt(nowMs) * 1_000_000n),
    sleep: (duration) => real.sleep(duration)
  }
}
