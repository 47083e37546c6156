import type { Context as LambdaContext, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda"

export const streamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/unit"
export const shardId = "shardId-000000000000"

/** A 56-digit Kinesis-like sequence number whose order follows `n`. */
export const sequenceOf = (n: number): string => `4959${String(n).padStart(52, "0")}`

/** One Lambda record as the event-source mapping delivers it. */
export const recordOf = (
  n: number,
  data: string,
  options: { readonly base64?: boolean; readonly arrivalSeconds?: number } = {}
): KinesisStreamRecord => {
  const sequenceNumber = sequenceOf(n)
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: `pk-${n % 7}`,
      sequenceNumber,
      data: options.base64 === false ? data : Buffer.from(data, "utf8").toString("base64"),
      approximateArrivalTimestamp: options.arrivalSeconds ?? 1_700_000_000 + n / 1000
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: "arn:aws:iam::123456789012:role/unit",
    awsRegion: "us-east-1",
    eventSourceARN: streamArn
  }
}

/** An event of JSON page views numbered from `from`, one per page name given. */
export const pageViewEvent = (pages: ReadonlyArray<string>, from = 1): KinesisStreamEvent => ({
  Records: pages.map((page, i) => recordOf(from + i, JSON.stringify({ page, user: `u${i}` })))
})

/** A Lambda context whose remaining time the test controls. */
export const fakeContext = (remaining: () => number = () => 60_000): LambdaContext =>
  ({
    callbackWaitsForEmptyEventLoop: true,
    functionName: "unit",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:unit",
    memoryLimitInMB: "512",
    awsRequestId: "request",
    logGroupName: "group",
    logStreamName: "stream",
    getRemainingTimeInMillis: remaining,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined
  }) as LambdaContext

/** The sequence numbers a response reports. */
export const reported = (response: { readonly batchItemFailures: ReadonlyArray<{ readonly itemIdentifier: string }> }) =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier)
