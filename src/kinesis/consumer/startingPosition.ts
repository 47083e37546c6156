import { afterSequence, latest, type ShardPosition, trimHorizon } from "../stream/position.js"
import type { StartingPosition } from "./config.js"

/** The configured starting position as it applies to one shard (sequence maps are per shard). */
export const configuredPosition = (position: StartingPosition, shardId: string): ShardPosition => {
  if (position === "LATEST") return latest
  if (position === "TRIM_HORIZON") return trimHorizon
  if ("atTimestamp" in position) return { _tag: "AtTimestamp", time: position.atTimestamp }
  if ("atSequence" in position) {
    const sequence = position.atSequence[shardId]
    return sequence === undefined ? trimHorizon : { _tag: "AtSequence", sequence }
  }
  const sequence = position.afterSequence[shardId]
  return sequence === undefined ? trimHorizon : afterSequence(sequence)
}
