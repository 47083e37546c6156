import { describe, expect, it } from "vitest"
import { commonShardId, eventIdOf, isInvalidBase64Payload, shardIdOf, toSourceRecord } from "../../../src/kinesis/lambda/records.js"
import { awsDocsSampleEvent } from "./sampleEvent.js"

const [first, second] = awsDocsSampleEvent.Records as [
  (typeof awsDocsSampleEvent.Records)[0],
  (typeof awsDocsSampleEvent.Records)[0]
]

const withData = (data: string) => ({ ...first, kinesis: { ...first.kinesis, data } })

describe("mapping a Lambda Kinesis record", () => {
  it("decodes the AWS docs sample into bytes, event id, event time and provenance", () => {
    const record = toSourceRecord(first, 0)
    expect(Buffer.from(record.data).toString("utf8")).toBe("Hello, this is a test.")
    expect(record.eventId).toBe(
      "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream/49590338271490256608559692538361571095921575989136588898"
    )
    expect(record.eventTimeMs).toBe(1545084650987)
    expect(record.sequence).toBe("49590338271490256608559692538361571095921575989136588898")
    expect(record.partitionKey).toBe("1")
    expect(Buffer.from(toSourceRecord(second, 0).data).toString("utf8")).toBe("This is only a test.")
  })

  it("uses the clock only when the arrival timestamp is absent", () => {
    const noArrival = { ...first, kinesis: { ...first.kinesis, approximateArrivalTimestamp: 0 } }
    expect(toSourceRecord(noArrival, 42_000).eventTimeMs).toBe(42_000)
    expect(toSourceRecord(first, 42_000).eventTimeMs).toBe(1545084650987)
  })

  it("forms the event id from the sequence number alone when the ARN is empty", () => {
    expect(eventIdOf({ ...first, eventSourceARN: "" })).toBe(first.kinesis.sequenceNumber)
  })

  it("marks data that is not strict base64, keeping its raw text", () => {
    for (const bad of ["SGVsbG8", "SGVs bG8=", "SG$sbG8=", "S=Vs", "not base64!"]) {
      const record = toSourceRecord(withData(bad), 0)
      expect(isInvalidBase64Payload(record.data), bad).toBe(true)
      expect(Buffer.from(record.data).toString("utf8")).toBe(bad)
    }
    for (const good of ["", "SGVsbG8=", "SGVsbA==", "SGVs"]) {
      expect(isInvalidBase64Payload(toSourceRecord(withData(good), 0).data), good).toBe(false)
    }
  })

  it("takes the shard id from eventID and checks the batch is one shard", () => {
    expect(shardIdOf(first)).toBe("shardId-000000000006")
    expect(commonShardId(awsDocsSampleEvent.Records)).toBe("shardId-000000000006")
    const other = { ...second, eventID: `shardId-000000000007:${second.kinesis.sequenceNumber}` }
    expect(commonShardId([first, other])).toBeUndefined()
    expect(commonShardId([{ ...first, eventID: "no-colon" }])).toBeUndefined()
  })
})
