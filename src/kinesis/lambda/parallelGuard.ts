import type { KinesisStreamRecord } from "./events.js"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Metrics } from "../../metrics/Metrics.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import type { RecordOutcome } from "../../processor/types.js"
import { Deduper } from "../../state/Deduper.js"
import { makeMappingCheck, type MappingCheckConfig } from "./mappingCheck.js"
import { decide, type Decision, mayFence } from "./parallelism.js"
import { describeSuspicion, ShardHistory } from "./shardHistory.js"

const asConfigured: Decision = { _tag: "AsConfigured" }

/** The per-container guard against running the fenced strategy under a parallel mapping. */
export interface ParallelGuard {
  /** How this batch runs; logs a refusal (each time) and a switch to claims (once per container). */
  readonly decide: (records: ReadonlyArray<KinesisStreamRecord>) => Effect.Effect<Decision>
  /**
   * The in-batch check after a batch that ran as configured: logs a suspected parallel mapping
   * and counts it in `<pipeline>:suspected_parallel_mapping`. `outcomes` only when it ran fenced.
   */
  readonly observe: (
    shardId: string,
    records: ReadonlyArray<KinesisStreamRecord>,
    outcomes: ReadonlyArray<RecordOutcome> | undefined
  ) => Effect.Effect<void, never, Metrics>
}

/**
 * Builds the guard of one handler (one per container): the cold-start mapping check and the
 * in-batch history. A pipeline that never fences (`claims`, `at-least-once`) costs nothing.
 *
 * @example
 * const guard = makeParallelGuard(pageViews, { functionName: "page-views", mode: "warn", timeoutMs: 2_000 })
 */
export const makeParallelGuard = (
  pipeline: Pick<Pipeline<unknown, unknown>, "name" | "delivery">,
  config: MappingCheckConfig
): ParallelGuard => {
  const fences = mayFence(pipeline.delivery)
  const check = makeMappingCheck(config)
  const history = new ShardHistory()
  let switchLogged = false
  const suspicions = `${pipeline.name}:suspected_parallel_mapping`

  return {
    decide: (records) => {
      if (!fences) return Effect.succeed(asConfigured)
      const streamArn = records[0]?.eventSourceARN
      return Effect.flatMap(check.parallelism(streamArn), (parallelism) =>
        parallelism._tag === "Unchecked"
          ? Effect.succeed(asConfigured)
          : Effect.flatMap(Effect.serviceOption(Deduper), (deduper): Effect.Effect<Decision> => {
            const decision = decide(parallelism, {
              pipeline: pipeline.name,
              delivery: pipeline.delivery,
              functionName: config.functionName ?? "",
              streamArn: streamArn ?? "",
              claimsAvailable: Option.isSome(deduper),
              strict: config.mode === "strict"
            })
            if (decision._tag === "Refuse") return Effect.as(Effect.logError(decision.message), decision)
            if (decision._tag === "Claims" && !switchLogged) {
              switchLogged = true
              return Effect.as(
                Effect.logWarning(
                  `murmur: pipeline "${pipeline.name}" commits with claims instead of fenced marks: ${
                    decision.readers > 1
                      ? `the mappings run ${decision.readers} batches of each shard of ${streamArn} at once`
                      : "the mapping's ParallelizationFactor could not be read and mappingCheck is \"strict\""
                  }. Claims cost a write per record; ParallelizationFactor 1 restores the cheaper fenced strategy.`
                ),
                decision
              )
            }
            return Effect.succeed(decision)
          }))
    },
    observe: (shardId, records, outcomes) => {
      if (!fences) return Effect.void
      const suspicion = history.check(shardId, records, outcomes)
      if (suspicion === undefined) return Effect.void
      return Effect.zipRight(
        Effect.logError(describeSuspicion(pipeline.name, shardId, suspicion)),
        Effect.flatMap(Metrics, (metrics) => metrics.increment(suspicions))
      )
    }
  }
}
