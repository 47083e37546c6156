/** Chooses the commit strategy of a batch from the pipeline's delivery setting and the batch. */
import * as Either from "effect/Either"
import { InvalidConfig } from "../errors.js"
import type { Pipeline } from "../pipeline/Pipeline.js"
import { compareSequence } from "../record/index.js"
import type { CommitStrategy } from "../state/Commit.js"
import type { SourceRecord } from "./types.js"

const atLeastOnce: CommitStrategy = { _tag: "AtLeastOnce" }

// Every record has a sequence number, each above the one before.
const ascending = (records: ReadonlyArray<SourceRecord>): boolean => {
  let previous: string | undefined
  for (const record of records) {
    const sequence = record.sequence
    if (sequence === undefined || sequence === "") return false
    if (previous !== undefined && compareSequence(previous, sequence) >= 0) return false
    previous = sequence
  }
  return true
}

/**
 * The strategy a batch commits with:
 * - `auto`: `Fenced` when `shardId` is given and the records carry strictly ascending sequence
 *   numbers, else `Claims`;
 * - `fenced`: `Fenced`, or `InvalidConfig` when that proof is impossible (no shard, missing or
 *   unordered sequence numbers);
 * - `claims`: `Claims` kept `claimRetentionSeconds`; `at-least-once`: `AtLeastOnce`.
 *
 * Drivers can call it once at start-up (with no records) to reject a misconfiguration early.
 *
 * @example
 * resolveStrategy(pipeline, { shardId: "shardId-000" }, records) // Either.right({ _tag: "Fenced", ... })
 */
export const resolveStrategy = (
  pipeline: Pick<Pipeline<unknown, unknown>, "delivery" | "claimRetentionSeconds" | "name">,
  options: { readonly shardId?: string | undefined },
  records: ReadonlyArray<SourceRecord>
): Either.Either<CommitStrategy, InvalidConfig> => {
  const claims: CommitStrategy = { _tag: "Claims", claimTtlSeconds: pipeline.claimRetentionSeconds }
  switch (pipeline.delivery) {
    case "at-least-once":
      return Either.right(atLeastOnce)
    case "claims":
      return Either.right(claims)
    case "fenced": {
      if (options.shardId === undefined || options.shardId === "") {
        return Either.left(
          new InvalidConfig({
            field: "shardId",
            message: `pipeline "${pipeline.name}" uses fenced delivery, which needs the batch's shard id`
          })
        )
      }
      if (!ascending(records)) {
        return Either.left(
          new InvalidConfig({
            field: "delivery",
            message: `pipeline "${pipeline.name}" uses fenced delivery, which needs strictly ascending sequence numbers`
          })
        )
      }
      return Either.right({ _tag: "Fenced", shardId: options.shardId })
    }
    case "auto":
      return options.shardId !== undefined && options.shardId !== "" && ascending(records)
        ? Either.right({ _tag: "Fenced", shardId: options.shardId })
        : Either.right(claims)
  }
}
