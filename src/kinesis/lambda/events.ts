/**
 * The shapes Lambda passes to and expects from a Kinesis-triggered function, written here so the
 * published types need no `@types/aws-lambda`. They are structural subsets of that package's
 * `KinesisStreamEvent`, `Context` and `KinesisStreamBatchResponse` (the event and record shapes
 * are the same): values typed with those types are accepted, and `kinesisHandler` fits its
 * `KinesisStreamHandler`.
 */

/** The `kinesis` part of one record of the event. */
export interface KinesisStreamRecordPayload {
  /** Epoch seconds, with fractions. */
  readonly approximateArrivalTimestamp: number
  /** The record's bytes, base64. */
  readonly data: string
  readonly partitionKey: string
  readonly sequenceNumber: string
  readonly kinesisSchemaVersion: string
}

/** One record of a Kinesis event, as Lambda's event-source mapping delivers it. */
export interface KinesisStreamRecord {
  /** `shardId-000000000000:49590338271490256608559692538361571095921575989136588898`. */
  readonly eventID: string
  /** The stream's ARN. */
  readonly eventSourceARN: string
  readonly kinesis: KinesisStreamRecordPayload
  readonly awsRegion: string
  /** `aws:kinesis:record`. */
  readonly eventName: string
  /** `aws:kinesis`. */
  readonly eventSource: string
  readonly eventVersion: string
  readonly invokeIdentityArn: string
}

/**
 * The event Lambda passes to a Kinesis-triggered function.
 *
 * @example
 * const event: KinesisStreamEvent = { Records: [] }
 * const { batchItemFailures } = await handler(event, { getRemainingTimeInMillis: () => 60_000 })
 */
export interface KinesisStreamEvent {
  // Mutable, as in @types/aws-lambda, so events typed either way pass both ways.
  readonly Records: Array<KinesisStreamRecord>
}

/** One record to retry: its sequence number (an empty identifier fails the whole batch). */
export interface KinesisStreamBatchItemFailure {
  itemIdentifier: string
}

/** The answer with `ReportBatchItemFailures` on: the records Lambda retries from. */
export interface KinesisStreamBatchResponse {
  batchItemFailures: Array<KinesisStreamBatchItemFailure>
}

/**
 * What the handler reads from Lambda's invocation context; any fuller context object fits.
 *
 * @example
 * const context: LambdaContext = { getRemainingTimeInMillis: () => 30_000, awsRequestId: "local-1" }
 */
export interface LambdaContext {
  /** Milliseconds left before Lambda stops the invocation; the handler stops starting work before then. */
  readonly getRemainingTimeInMillis: () => number
  /** Annotates the invocation's log lines. */
  readonly awsRequestId?: string
  readonly functionName?: string
}
