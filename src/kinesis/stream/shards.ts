import type { ListShardsCommandOutput, Shard } from "@aws-sdk/client-kinesis"
import * as Effect from "effect/Effect"
import type { KinesisError } from "../../errors.js"
import { KinesisApi } from "./KinesisApi.js"

/** What the scheduler needs to know of a listed shard. */
export interface ShardInfo {
  readonly shardId: string
  /** `ParentShardId` and `AdjacentParentShardId` (a merge has two), when present. */
  readonly parents: ReadonlyArray<string>
  /** Has an ending sequence number: no new records will arrive. */
  readonly closed: boolean
}

const toShardInfo = (shard: Shard): ShardInfo => ({
  shardId: shard.ShardId!,
  parents: [shard.ParentShardId, shard.AdjacentParentShardId].filter((id): id is string => id !== undefined && id !== ""),
  closed: shard.SequenceNumberRange?.EndingSequenceNumber !== undefined
})

/**
 * Every shard of a stream, following `NextToken`: the stream name goes on the first call only
 * (ListShards rejects both together).
 *
 * @example
 * const shards = yield* listShards("clicks")
 */
export const listShards = (stream: string): Effect.Effect<ReadonlyArray<ShardInfo>, KinesisError, KinesisApi> =>
  Effect.gen(function*() {
    const api = yield* KinesisApi
    const shards: Array<ShardInfo> = []
    let nextToken: string | undefined = undefined
    do {
      const page: ListShardsCommandOutput = yield* api.listShards(nextToken === undefined ? { StreamName: stream } : { NextToken: nextToken })
      for (const shard of page.Shards ?? []) if (shard.ShardId !== undefined) shards.push(toShardInfo(shard))
      nextToken = page.NextToken
    } while (nextToken !== undefined && nextToken !== "")
    return shards
  })

/**
 * A shard may be read once each parent is finished, or is no longer listed (trimmed: whatever
 * it held has expired, so there is nothing to read before the child).
 */
export const parentsDone = (
  shard: ShardInfo,
  listed: ReadonlySet<string>,
  finished: ReadonlySet<string>
): boolean => shard.parents.every((parent) => finished.has(parent) || !listed.has(parent))
