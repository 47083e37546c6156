/**
 * Bad input, table-driven: every kind of broken record gets a typed `DecodeError` through the
 * decode callback and the `decode_error` metric, is not reported for retry (its redelivery would
 * fail the same way), and no other record of the batch is lost.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterEach, describe, expect, it } from "vitest"
import type { DecodeError } from "../../src/errors.js"
import { kinesisHandler } from "../../src/kinesis/lambda/index.js"
import { makeMemoryMetrics, Metrics } from "../../src/metrics/index.js"
import { count } from "../../src/monoid/index.js"
import { pipeline } from "../../src/pipeline/index.js"
import { schemaDecoder } from "../../src/processor/schemaDecoder.js"
import { MemoryState } from "../../src/state/memory/index.js"

// `page` is optional in the schema so that a record without it reaches the key check.
const View = Schema.Struct({ page: Schema.optional(Schema.String), user: Schema.String })
const views = pipeline({ name: "views", key: (view: typeof View.Type) => view.page as string, monoid: count, store: "bad-input" })

const base64 = (text: string) => Buffer.from(text).toString("base64")
const json = (value: unknown) => base64(JSON.stringify(value))

const cases: ReadonlyArray<readonly [string, string, DecodeError["reason"]]> = [
  ["data that is not base64", "%%% not base64 %%%", "base64"],
  ["invalid JSON", base64("{ page: 'home'"), "json"],
  ["a schema mismatch", json({ page: "home", user: 42 }), "schema"],
  ["empty data", "", "empty"],
  ["a record over 1 MiB", json({ page: "home", user: "x".repeat(1024 * 1024) }), "too-large"],
  ["a missing key field", json({ user: "u1" }), "key"],
  ["a key longer than DynamoDB allows (2048 bytes)", json({ page: "p".repeat(2049), user: "u1" }), "key"],
  ["a key of multi-byte characters over 2048 bytes", json({ page: "é".repeat(1025), user: "u1" }), "key"]
]

const streamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/bad-input"
const record = (sequence: number, data: string): KinesisStreamRecord => ({
  kinesis: {
    kinesisSchemaVersion: "1.0",
    partitionKey: `pk-${sequence}`,
    sequenceNumber: String(49_000_000_000 + sequence),
    data,
    approximateArrivalTimestamp: 1_700_000_000 + sequence / 1000
  },
  eventSource: "aws:kinesis",
  eventVersion: "1.0",
  eventID: `shardId-000000000000:${49_000_000_000 + sequence}`,
  eventName: "aws:kinesis:record",
  invokeIdentityArn: "arn:aws:iam::123456789012:role/test",
  awsRegion: "us-east-1",
  eventSourceARN: streamArn
})

const context = { getRemainingTimeInMillis: () => 60_000 } as never
const disposers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(disposers.splice(0).map((dispose) => dispose()))
})

describe.each(cases)("a batch with %s", (_name, badData, reason) => {
  it(`reports it as a typed "${reason}" decode error and loses no other record`, async () => {
    const state = MemoryState.make()
    const metrics = makeMemoryMetrics()
    const seen: Array<{ sequence: string; partitionKey: string; error: DecodeError; bytes: number }> = []
    const handler = kinesisHandler(views, schemaDecoder(View), {
      layer: Layer.merge(state.layer, Layer.succeed(Metrics, metrics.service)),
      onDecodeError: (raw, sequence, partitionKey, error) => void seen.push({ sequence, partitionKey, error, bytes: raw.length })
    })
    disposers.push(handler.dispose)
    // Good records around the bad one, on both sides.
    const records = [
      record(1, json({ page: "home", user: "a" })),
      record(2, json({ page: "about", user: "b" })),
      record(3, badData),
      record(4, json({ page: "home", user: "c" })),
      record(5, json({ page: "home", user: "d" }))
    ]
    const event: KinesisStreamEvent = { Records: records }

    const response = await handler(event, context)

    expect(response.batchItemFailures).toEqual([])
    expect(seen).toHaveLength(1)
    expect(seen[0]!.sequence).toBe(records[2]!.kinesis.sequenceNumber)
    expect(seen[0]!.partitionKey).toBe("pk-3")
    expect(seen[0]!.error._tag).toBe("DecodeError")
    expect(seen[0]!.error.reason).toBe(reason)
    expect(seen[0]!.error.message.length).toBeGreaterThan(0)
    expect(metrics.counter("views:decode_error")).toBe(1)
    const totals = Object.fromEntries(state.store.control.rows("bad-input").map((row) => [row.key.entity, row.value]))
    expect(totals).toEqual({ home: 3, about: 1 })
  })
})

describe("reporting undecodable records when asked", () => {
  it("reports exactly the bad records' sequence numbers with reportDecodeErrors", async () => {
    const state = MemoryState.make()
    const handler = kinesisHandler(views, schemaDecoder(View), {
      layer: Layer.merge(state.layer, Layer.succeed(Metrics, makeMemoryMetrics().service)),
      reportDecodeErrors: true,
      inOrder: false
    })
    disposers.push(handler.dispose)
    const records = cases.map(([, data], i) => record(10 + i, data))
    records.push(record(99, json({ page: "home", user: "z" })))
    const response = await handler({ Records: records }, context)
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      records.slice(0, cases.length).map((r) => r.kinesis.sequenceNumber)
    )
    expect(state.store.control.rows("bad-input").map((row) => row.value)).toEqual([1])
  })
})
