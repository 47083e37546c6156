/**
 * Kinesis stream helpers for tests and benches (kinesalite or any Kinesis endpoint): create a
 * stream and wait until it is ACTIVE, put records in PutRecords batches, split and merge shards.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type Shard,
  SplitShardCommand
} from "@aws-sdk/client-kinesis"

const encoder = new TextEncoder()

/** PutRecords takes at most 500 records a call. */
export const maxPutRecords = 500

/** Polls until the stream is ACTIVE, failing after `deadlineMs`. */
export const waitUntilActive = async (client: KinesisClient, stream: string, deadlineMs = 10_000): Promise<void> => {
  const until = Date.now() + deadlineMs
  for (;;) {
    const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: stream }))
    if (summary.StreamDescriptionSummary?.StreamStatus === "ACTIVE") return
    if (Date.now() > until) throw new Error(`stream ${stream} not ACTIVE after ${deadlineMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Creates a stream with `shards` shards and waits until it is ACTIVE. */
export const createStream = async (client: KinesisClient, stream: string, shards: number): Promise<void> => {
  await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }))
  await waitUntilActive(client, stream)
}

/** Every shard of the stream (kinesalite lists them in one page). */
export const listAllShards = async (client: KinesisClient, stream: string): Promise<ReadonlyArray<Shard>> => {
  const shards: Array<Shard> = []
  let token: string | undefined
  do {
    const page = await client.send(new ListShardsCommand(token === undefined ? { StreamName: stream } : { NextToken: token }))
    shards.push(...(page.Shards ?? []))
    token = page.NextToken
  } while (token !== undefined)
  return shards
}

/** Shards still accepting records. */
export const openShards = async (client: KinesisClient, stream: string): Promise<ReadonlyArray<Shard>> =>
  (await listAllShards(client, stream)).filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined)

/**
 * Puts JSON events (or raw bytes) with PutRecords, 500 at a time, re-sending entries that failed
 * (throttled) until all are in. Partition keys default to `pk-<index>`, spreading over shards.
 */
export const putRecords = async (
  client: KinesisClient,
  stream: string,
  events: ReadonlyArray<unknown>,
  partitionKey: (index: number) => string = (index) => `pk-${index}`
): Promise<void> => {
  for (let start = 0; start < events.length; start += maxPutRecords) {
    let entries: Array<PutRecordsRequestEntry> = events.slice(start, start + maxPutRecords).map((event, i) => ({
      Data: event instanceof Uint8Array ? event : encoder.encode(JSON.stringify(event)),
      PartitionKey: partitionKey(start + i)
    }))
    for (let attempt = 0; entries.length > 0; attempt++) {
      if (attempt > 20) throw new Error("PutRecords kept failing")
      const result = await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }))
      entries = entries.filter((_, i) => result.Records?.[i]?.ErrorCode !== undefined)
    }
  }
}

/** Splits a shard at the middle of its hash key range; waits until the stream is ACTIVE again. */
export const splitShard = async (client: KinesisClient, stream: string, shardId: string): Promise<void> => {
  const shard = (await listAllShards(client, stream)).find((s) => s.ShardId === shardId)
  if (shard?.HashKeyRange === undefined) throw new Error(`no shard ${shardId}`)
  const low = BigInt(shard.HashKeyRange.StartingHashKey!)
  const high = BigInt(shard.HashKeyRange.EndingHashKey!)
  const middle = (low + high) / 2n + 1n
  await client.send(new SplitShardCommand({ StreamName: stream, ShardToSplit: shardId, NewStartingHashKey: middle.toString() }))
  await waitUntilActive(client, stream)
}

/** Merges two adjacent shards; waits until the stream is ACTIVE again. */
export const mergeShards = async (client: KinesisClient, stream: string, shardId: string, adjacentShardId: string): Promise<void> => {
  await client.send(new MergeShardsCommand({ StreamName: stream, ShardToMerge: shardId, AdjacentShardToMerge: adjacentShardId }))
  await waitUntilActive(client, stream)
}

/** Two open shards whose hash ranges touch, lowest first (candidates for a merge). */
export const adjacentOpenShards = async (client: KinesisClient, stream: string): Promise<readonly [string, string]> => {
  const shards = [...await openShards(client, stream)].sort((a, b) =>
    BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1
  )
  for (let i = 0; i + 1 < shards.length; i++) {
    const end = BigInt(shards[i]!.HashKeyRange!.EndingHashKey!)
    if (end + 1n === BigInt(shards[i + 1]!.HashKeyRange!.StartingHashKey!)) return [shards[i]!.ShardId!, shards[i + 1]!.ShardId!]
  }
  throw new Error(`no adjacent open shards in ${stream}`)
}
