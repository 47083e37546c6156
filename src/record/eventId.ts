/**
 * Event ids: a record's identity across redeliveries, namespacing its dedup claims. One function
 * per source kind, each forming ids the way that driver always has (ids already claimed in a
 * claims table must keep matching).
 */

/**
 * A record delivered by a Lambda event-source mapping, as the Go library forms it:
 * `<eventSourceARN>/<sequenceNumber>`, or the sequence number alone when the ARN is missing.
 *
 * @example
 * lambdaEventId("arn:aws:kinesis:eu-west-1:123456789012:stream/clicks", "4959") // "arn:…:stream/clicks/4959"
 */
export const lambdaEventId = (eventSourceArn: string | undefined, sequence: string): string =>
  eventSourceArn ? `${eventSourceArn}/${sequence}` : sequence

/**
 * A record read by the polling consumer: `<stream>/<shardId>/<sequenceNumber>`.
 *
 * @example
 * consumerEventId("clicks", "shardId-000000000000", "4959") // "clicks/shardId-000000000000/4959"
 */
export const consumerEventId = (stream: string, shardId: string, sequence: string | undefined): string =>
  `${stream}/${shardId}/${sequence}`
