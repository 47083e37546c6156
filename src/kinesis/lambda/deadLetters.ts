import * as Effect from "effect/Effect"
import { Metrics } from "../../metrics/Metrics.js"
import type { RecordOutcome, SourceRecord } from "../../processor/types.js"
import { canNeverSucceed, deliverDeadLetter } from "../deadLetter.js"
import type { ResolvedDeliveryOptions } from "./deliveryOptions.js"

// One line: a message carrying a stack trace (a commit that died) keeps only its first line.
const line = (pipeline: string, shardId: string | undefined, record: SourceRecord, error: { _tag: string; message: string }) =>
  `pipeline "${pipeline}", shard ${shardId ?? "unknown"}, sequence ${record.sequence ?? "none"}: ${error._tag}: ${
    error.message.split("\n", 1)[0]
  }`

/**
 * Applies the dead-letter policy to a processed batch: records that failed for good are logged;
 * under `"skip"` each is handed to `onDeadLetter` and, once delivered, counted in
 * `<pipeline>:dead_letter` and left out of the response. Returns the indexes skipped.
 *
 * @example
 * const skipped = yield* applyDeadLetters("views", shardId, sources, result.outcomes, options)
 */
export const applyDeadLetters = (
  pipeline: string,
  shardId: string | undefined,
  sources: ReadonlyArray<SourceRecord>,
  outcomes: ReadonlyArray<RecordOutcome>,
  options: ResolvedDeliveryOptions
): Effect.Effect<ReadonlySet<number>, never, Metrics> => {
  const permanent: Array<number> = []
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i]!
    if (outcome._tag === "Failed" && canNeverSucceed(outcome.error)) permanent.push(i)
  }
  if (permanent.length === 0) return Effect.succeed(new Set())
  if (options.deadLetter === "stop") {
    return Effect.as(
      Effect.forEach(permanent, (i) => {
        const error = (outcomes[i] as Extract<RecordOutcome, { _tag: "Failed" }>).error
        return Effect.logError(
          `murmur: a record can never succeed and is reported, so its shard waits until the mapping's retry or age limit (deadLetter: "skip" moves past it): ${
            line(pipeline, shardId, sources[i]!, error)
          }`
        )
      }, { discard: true }),
      new Set()
    )
  }
  const skipped = new Set<number>()
  return Effect.forEach(permanent, (i) => {
    const record = sources[i]!
    const error = (outcomes[i] as Extract<RecordOutcome, { _tag: "Failed" }>).error
    return Effect.flatMap(deliverDeadLetter(options.onDeadLetter, { pipeline, shardId, record, error }), (delivered) => {
      if (!delivered) return Effect.void
      skipped.add(i)
      return Effect.logWarning(`murmur: dead letter skipped: ${line(pipeline, shardId, record, error)}`)
    })
  }, { discard: true }).pipe(
    Effect.zipRight(
      Effect.suspend(() =>
        skipped.size === 0 ? Effect.void : Effect.flatMap(Metrics, (metrics) => metrics.increment(`${pipeline}:dead_letter`, skipped.size))
      )
    ),
    Effect.as(skipped)
  )
}
