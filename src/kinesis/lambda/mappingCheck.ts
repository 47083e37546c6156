import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import { type EventSourceMapping, LambdaApiError, LambdaMappings } from "./LambdaMappings.js"
import { type Parallelism, readersOf } from "./parallelism.js"

/** What an unreadable ParallelizationFactor does: see `KinesisHandlerOptions.mappingCheck`. */
export type MappingCheckMode = "warn" | "strict" | "off"

export interface MappingCheckConfig {
  /** The function whose mappings to read; without one (outside Lambda) nothing is looked up. */
  readonly functionName: string | undefined
  readonly mode: MappingCheckMode
  /** Bound on one look-up, client construction included. */
  readonly timeoutMs: number
}

/** How long an answer is used before it is looked up again (in the background). */
export const knownForMs = 5 * 60_000
export const unknownForMs = 60_000

type Answer = ReadonlyArray<EventSourceMapping> | LambdaApiError

/** The parallelism of a batch's stream, per container. */
export interface MappingCheck {
  readonly parallelism: (streamArn: string | undefined) => Effect.Effect<Parallelism>
}

/**
 * The cold-start look-up of the function's event-source mappings (`lambda:ListEventSourceMappings`).
 * The first batch of a container waits for it, bounded by `timeoutMs`; after that every batch
 * reads the answer from memory, and a stale answer (5 min, or 1 min when the look-up failed) is
 * refreshed by a background fiber while the old one keeps serving. A failed look-up logs one
 * warning. The `LambdaMappings` service comes from the handler's layer when it provides one,
 * else the live client is built for each look-up and destroyed after it.
 *
 * @example
 * const check = makeMappingCheck({ functionName: "page-views", mode: "warn", timeoutMs: 2_000 })
 * const parallelism = yield* check.parallelism(record.eventSourceARN)
 */
export const makeMappingCheck = (config: MappingCheckConfig): MappingCheck => {
  const { functionName, mode, timeoutMs } = config
  let current: { readonly answer: Answer; readonly atMs: number } | undefined
  let refreshing = false

  const lookUp: Effect.Effect<Answer> = Effect.flatMap(Effect.serviceOption(LambdaMappings), (service) => {
    const list = Option.isSome(service)
      ? service.value.list(functionName!)
      : Effect.provide(Effect.flatMap(LambdaMappings, (mappings) => mappings.list(functionName!)), LambdaMappings.layer())
    return list.pipe(
      Effect.timeoutFail({
        duration: Duration.millis(timeoutMs),
        onTimeout: () => new LambdaApiError({ errorName: "TimeoutError", message: `no answer within ${timeoutMs} ms` })
      }),
      Effect.either,
      Effect.map(Either.merge),
      Effect.tap((answer) =>
        answer instanceof LambdaApiError
          ? Effect.logWarning(
            `murmur: could not read the event-source mappings of function "${functionName}" (${answer.errorName}: ${answer.message}); ${
              mode === "strict"
                ? "mappingCheck is \"strict\", so fenced batches are refused (or use claims) until it can"
                : "proceeding as configured, without checking ParallelizationFactor"
            }. Grant lambda:ListEventSourceMappings so the handler can check that the fenced strategy is safe.`
          )
          : Effect.void
      ),
      Effect.flatMap((answer) => Effect.map(Clock.currentTimeMillis, (atMs) => (current = { answer, atMs }).answer))
    )
  })

  const answer: Effect.Effect<Answer> = Effect.suspend(() => {
    const known = current
    if (known === undefined) return lookUp
    return Effect.flatMap(Clock.currentTimeMillis, (nowMs) => {
      const staleAfter = known.answer instanceof LambdaApiError ? unknownForMs : knownForMs
      if (nowMs - known.atMs < staleAfter || refreshing) return Effect.succeed(known.answer)
      refreshing = true
      const refresh = Effect.ensuring(lookUp, Effect.sync(() => (refreshing = false)))
      return Effect.as(Effect.forkDaemon(refresh), known.answer)
    })
  })

  return {
    parallelism: (streamArn) => {
      if (mode === "off" || functionName === undefined || functionName === "") {
        return Effect.succeed({ _tag: "Unchecked" } as const)
      }
      return Effect.map(answer, (found): Parallelism => {
        if (found instanceof LambdaApiError) return { _tag: "Unknown", reason: `${found.errorName}: ${found.message}` }
        if (streamArn === undefined || streamArn === "") return { _tag: "Unknown", reason: "the records name no eventSourceARN" }
        const readers = readersOf(found, streamArn)
        return readers === 0
          ? { _tag: "Unknown", reason: `no enabled mapping of the function reads ${streamArn}` }
          : { _tag: "Known", readers }
      })
    }
  }
}
