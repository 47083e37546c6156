import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record
} from "@aws-sdk/client-kinesis"

// The mapping's wrapping lives with the CLI's local Lambda path; tests use the same code.
export { type EventSource, kinesisEventFrom, lambdaRecordFrom } from "../../src/cli/localLambda/lambdaEvent.js"

/** The stream's ARN and shard ids, as the mapping sees them. */
export const describeStream = async (
  client: KinesisClient,
  streamName: string
): Promise<{ readonly streamArn: string; readonly shardIds: ReadonlyArray<string> }> => {
  const { StreamDescription } = await client.send(new DescribeStreamCommand({ StreamName: streamName }))
  return {
    streamArn: StreamDescription?.StreamARN ?? "",
    shardIds: (StreamDescription?.Shards ?? []).map((shard) => shard.ShardId ?? "")
  }
}

/**
 * Reads a shard from its start (or at a sequence number, as Lambda does when it retries from
 * the lowest reported one) up to its current tip, with GetRecords, as the mapping polls it.
 */
export const readShard = async (
  client: KinesisClient,
  streamName: string,
  shardId: string,
  options: { readonly atSequenceNumber?: string; readonly limit?: number } = {}
): Promise<Array<_Record>> => {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({
      StreamName: streamName,
      ShardId: shardId,
      ...(options.atSequenceNumber === undefined
        ? { ShardIteratorType: "TRIM_HORIZON" }
        : { ShardIteratorType: "AT_SEQUENCE_NUMBER", StartingSequenceNumber: options.atSequenceNumber })
    })
  )
  const records: Array<_Record> = []
  let iterator = ShardIterator
  // Bounded: a shard read to its tip answers an empty page with no lag.
  for (let page = 0; iterator !== undefined && page < 1_000; page++) {
    const response = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: options.limit ?? 10_000 }))
    const batch = response.Records ?? []
    records.push(...batch)
    if (batch.length === 0 && (response.MillisBehindLatest ?? 0) === 0) break
    iterator = response.NextShardIterator
  }
  return records
}
