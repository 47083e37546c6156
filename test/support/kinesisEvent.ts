import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record
} from "@aws-sdk/client-kinesis"
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda"

/** Where the records came from, as the event-source mapping names it in each record. */
export interface EventSource {
  readonly streamArn: string
  readonly shardId: string
  readonly region?: string
  /** The function's execution role. */
  readonly invokeIdentityArn?: string
}

/**
 * Wraps one record read with GetRecords exactly as Lambda's Kinesis event-source mapping does:
 * data base64-encoded, arrival time in epoch seconds with millisecond fraction, `eventID` =
 * `<shardId>:<sequenceNumber>`, and the encryption type only when the record has one.
 */
export const lambdaRecordFrom = (record: _Record, source: EventSource): KinesisStreamRecord => {
  const sequenceNumber = record.SequenceNumber ?? ""
  const arrival = record.ApproximateArrivalTimestamp
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: record.PartitionKey ?? "",
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString("base64"),
      approximateArrivalTimestamp: arrival === undefined ? 0 : arrival.getTime() / 1000,
      ...(record.EncryptionType !== undefined && record.EncryptionType !== "NONE"
        ? { encryptionType: record.EncryptionType }
        : {})
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${source.shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: source.invokeIdentityArn ?? "arn:aws:iam::123456789012:role/murmur-test-role",
    awsRegion: source.region ?? "us-east-1",
    eventSourceARN: source.streamArn
  }
}

/** A Lambda event for records of one shard, in the order GetRecords returned them. */
export const kinesisEventFrom = (records: ReadonlyArray<_Record>, source: EventSource): KinesisStreamEvent => ({
  Records: records.map((record) => lambdaRecordFrom(record, source))
})

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
