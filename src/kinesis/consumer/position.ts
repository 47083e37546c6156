import type { GetShardIteratorCommandInput } from "@aws-sdk/client-kinesis"
import type { StartingPosition } from "./config.js"

/** Where one shard's reading starts. */
export type ShardPosition =
  | { readonly _tag: "Latest" }
  | { readonly _tag: "TrimHorizon" }
  | { readonly _tag: "AtTimestamp"; readonly time: Date }
  | { readonly _tag: "AtSequence"; readonly sequence: string }
  | { readonly _tag: "AfterSequence"; readonly sequence: string }

export const latest: ShardPosition = { _tag: "Latest" }
export const trimHorizon: ShardPosition = { _tag: "TrimHorizon" }
export const afterSequence = (sequence: string): ShardPosition => ({ _tag: "AfterSequence", sequence })

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

/** The GetShardIterator request for a position. */
export const iteratorRequest = (stream: string, shardId: string, position: ShardPosition): GetShardIteratorCommandInput => {
  const base = { StreamName: stream, ShardId: shardId }
  switch (position._tag) {
    case "Latest":
      return { ...base, ShardIteratorType: "LATEST" }
    case "TrimHorizon":
      return { ...base, ShardIteratorType: "TRIM_HORIZON" }
    case "AtTimestamp":
      return { ...base, ShardIteratorType: "AT_TIMESTAMP", Timestamp: position.time }
    case "AtSequence":
      return { ...base, ShardIteratorType: "AT_SEQUENCE_NUMBER", StartingSequenceNumber: position.sequence }
    case "AfterSequence":
      return { ...base, ShardIteratorType: "AFTER_SEQUENCE_NUMBER", StartingSequenceNumber: position.sequence }
  }
}
