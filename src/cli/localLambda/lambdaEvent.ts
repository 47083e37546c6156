/**
 * What Lambda's Kinesis event-source mapping hands a function: records wrapped as it wraps them,
 * and an invocation context.
 */
import type { _Record } from "@aws-sdk/client-kinesis"
import type { KinesisStreamEvent, KinesisStreamRecord, LambdaContext } from "../../kinesis/lambda/events.js"

/** Where the records came from, as the mapping names it in each record. */
export interface EventSource {
  readonly streamArn: string
  readonly shardId: string
  /** Default `us-east-1`. */
  readonly region?: string
  /** The function's execution role. */
  readonly invokeIdentityArn?: string
}

/**
 * One GetRecords record as the mapping wraps it: data in base64, arrival time in epoch seconds
 * with a millisecond fraction, `eventID` = `<shardId>:<sequenceNumber>`. The test suite feeds the
 * handler through this too, so the demo and the tests wrap records the same way.
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
      // The mapping names the encryption only when the record has one.
      ...(record.EncryptionType !== undefined && record.EncryptionType !== "NONE"
        ? { encryptionType: record.EncryptionType }
        : {})
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${source.shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: source.invokeIdentityArn ?? "arn:aws:iam::000000000000:role/murmur-local",
    awsRegion: source.region ?? "us-east-1",
    eventSourceARN: source.streamArn
  }
}

/** One invocation's event: records of one shard, in GetRecords order. */
export const kinesisEventFrom = (records: ReadonlyArray<_Record>, source: EventSource): KinesisStreamEvent => ({
  Records: records.map((record) => lambdaRecordFrom(record, source))
})

let invocations = 0

/**
 * A context for one local invocation: `getRemainingTimeInMillis` counts down from `timeoutMs`,
 * so the handler's deadline logic runs as it would in Lambda.
 */
export const localContext = (functionName: string, timeoutMs: number, nowMs: () => number): LambdaContext => {
  const deadline = nowMs() + timeoutMs
  return {
    functionName,
    awsRequestId: `local-${process.pid}-${++invocations}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - nowMs())
  }
}
