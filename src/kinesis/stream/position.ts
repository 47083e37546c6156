import type { GetShardIteratorCommandInput } from "@aws-sdk/client-kinesis"

/** Where one shard's reading starts. */
export type ShardPosition =
  | { readonly _tag: "Latest" }
  | { readonly _tag: "TrimHorizon" }
  | { readonly _tag: "AtTimestamp"; readonly time: Date }
  | { readonly _tag: "AtSequence"; readonly sequence: string }
  | { readonly _tag: "AfterSequence"; readonly sequence: string }

/**
 * The newest end of a shard: only records put after the iterator is taken.
 *
 * @example
 * iteratorRequest("clicks", "shardId-000000000000", latest)
 */
export const latest: ShardPosition = { _tag: "Latest" }

/**
 * The oldest record the shard still holds.
 *
 * @example
 * iteratorRequest("clicks", "shardId-000000000000", trimHorizon)
 */
export const trimHorizon: ShardPosition = { _tag: "TrimHorizon" }

/**
 * Just after a record: where a reader resumes once `sequence` is acknowledged.
 *
 * @example
 * iteratorRequest("clicks", shardId, afterSequence(lastCheckpointed))
 */
export const afterSequence = (sequence: string): ShardPosition => ({ _tag: "AfterSequence", sequence })

/**
 * The GetShardIterator request for a position.
 *
 * @example
 * const iterator = yield* api.getShardIterator(iteratorRequest("clicks", shardId, trimHorizon))
 */
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
