import type { _Record } from "@aws-sdk/client-kinesis"
import { describe, expect, it } from "vitest"
import { firstFailedIndex } from "../../../src/cli/localLambda/lambdaPath.js"

const records: ReadonlyArray<_Record> = ["100", "205", "310"].map((SequenceNumber) => ({
  SequenceNumber,
  PartitionKey: "k",
  Data: new Uint8Array([1])
}))

describe("firstFailedIndex (the event-source mapping's retry rule)", () => {
  it("is undefined when nothing failed", () => {
    expect(firstFailedIndex(records, { batchItemFailures: [] })).toBeUndefined()
  })

  it("retries from the lowest reported sequence number, compared as numbers", () => {
    expect(firstFailedIndex(records, { batchItemFailures: [{ itemIdentifier: "310" }, { itemIdentifier: "205" }] })).toBe(1)
  })

  it("retries the whole batch for an identifier that is not in it or not a sequence number", () => {
    expect(firstFailedIndex(records, { batchItemFailures: [{ itemIdentifier: "999" }] })).toBe(0)
    expect(firstFailedIndex(records, { batchItemFailures: [{ itemIdentifier: "" }] })).toBe(0)
  })
})
