import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
/**
 * Runs `effect` in a fiber, advancing the TestClock `stepMs` at a time until the fiber completes
 * (or `until` holds, then interrupts it), failing after `maxSteps` steps.
 */
export const driveClock = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  options: { readonly stepMs?: number; readonly maxSteps?: number; readonly until?: () => boolean } = {}
): Effect.Effect<Option.Option<A>, E | Error, R> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    const maxSteps = options.maxSteps ?? 20_000
    for (let step = 0; step < maxSteps; step++) {
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return Option.some(yield* Fiber.join(fiber))
      if (options.until?.() === true) {
        // An uninterruptible commit may be sleeping on the TestClock: keep it moving while it ends.
        const interrupting = yield* Effect.fork(Fiber.interrupt(fiber))
        while (Option.isNone(yield* Fiber.poll(interrupting))) yield* TestClock.adjust(Duration.millis(options.stepMs ?? 50))
        return Option.none()
      }
      yield* TestClock.adjust(Duration.millis(options.stepMs ?? 50))
    }
    yield* Fiber.interrupt(fiber)
    return yield* Effect.fail(new Error(`not done after ${maxSteps} clock steps`))
  })
