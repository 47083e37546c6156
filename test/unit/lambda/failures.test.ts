import { describe, expect, it } from "vitest"
import { DecodeError, StoreError } from "../../../src/errors.js"
import { allFailed, responseFromOutcomes } from "../../../src/kinesis/lambda/failures.js"
import type { RecordOutcome } from "../../../src/processor/types.js"
import { awsDocsSampleEvent } from "./sampleEvent.js"

const template = awsDocsSampleEvent.Records[0]!
const records = ["101", "102", "103", "104", "105"].map((sequenceNumber) => ({
  ...template,
  kinesis: { ...template.kinesis, sequenceNumber }
}))
const decodeFailed: RecordOutcome = { _tag: "DecodeFailed", error: new DecodeError({ reason: "json", message: "bad" }) }
const failed: RecordOutcome = {
  _tag: "Failed",
  error: new StoreError({ operation: "commit", transient: true, message: "throttled" })
}
const ok: RecordOutcome = { _tag: "Succeeded" }

describe("batchItemFailures from outcomes", () => {
  it("is empty when every record succeeded or was a duplicate", () => {
    expect(responseFromOutcomes(records, [ok, { _tag: "Duplicate" }, ok, ok, ok], false)).toEqual({
      batchItemFailures: []
    })
  })

  it("reports failed and not-attempted sequence numbers in record order", () => {
    const outcomes: Array<RecordOutcome> = [ok, failed, { _tag: "NotAttempted" }, { _tag: "NotAttempted" }, ok]
    expect(responseFromOutcomes(records, outcomes, false).batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      "102",
      "103",
      "104"
    ])
  })

  it("reports decode failures only when asked", () => {
    const outcomes = [ok, decodeFailed, ok, ok, ok]
    expect(responseFromOutcomes(records, outcomes, false).batchItemFailures).toEqual([])
    expect(responseFromOutcomes(records, outcomes, true).batchItemFailures).toEqual([{ itemIdentifier: "102" }])
  })

  it("treats a missing outcome as not attempted", () => {
    expect(responseFromOutcomes(records, [ok, ok, ok], false).batchItemFailures).toEqual([
      { itemIdentifier: "104" },
      { itemIdentifier: "105" }
    ])
  })

  it("never reports an empty identifier: a failed record without one reports the whole batch", () => {
    const withBlank = records.map((record, index) =>
      index === 2 ? { ...record, kinesis: { ...record.kinesis, sequenceNumber: "" } } : record
    )
    const response = responseFromOutcomes(withBlank, [ok, ok, failed, ok, ok], false)
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(["101", "102", "104", "105"])
    expect(allFailed(withBlank).batchItemFailures.every((f) => f.itemIdentifier !== "")).toBe(true)
  })
})
