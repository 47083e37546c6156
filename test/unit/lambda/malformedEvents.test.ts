/**
 * The handler for any input: it never throws, never answers success for a record it did not
 * process, reports what has a sequence number and logs what it could not identify.
 */
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterAll, describe, expect, it } from "vitest"
import { kinesisHandler } from "../../../src/kinesis/lambda/index.js"
import { layerNoop } from "../../../src/metrics/noop.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import * as MemoryState from "../../../src/state/memory/MemoryState.js"
import { captureLogs } from "./logCapture.js"
import { fakeContext, recordOf, reported, sequenceOf } from "./events.js"

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
const views = pipeline({ name: "views", key: (view: typeof PageView.Type) => view.page, monoid: count, store: "views" })
const good = (n: number) => recordOf(n, JSON.stringify({ page: `p${n}`, user: "u" }))
const withKinesis = (n: number, kinesis: unknown) => ({ ...good(n), kinesis })
const { sequenceNumber: _dropped, ...noSequence } = good(9).kinesis

const state = MemoryState.make()
const handler = kinesisHandler(views, schemaDecoder(PageView), { layer: Layer.merge(state.layer, layerNoop) })
afterAll(() => handler.dispose())

/** What the handler must answer: "success", every listed sequence number, and "whole" for a full failure. */
type Expected = { readonly report: ReadonlyArray<string>; readonly whole: boolean; readonly logged: boolean; readonly applied: ReadonlyArray<string> }
const success = (applied: ReadonlyArray<string> = []): Expected => ({ report: [], whole: false, logged: false, applied })
const failure = (report: ReadonlyArray<string>, whole: boolean): Expected => ({ report, whole, logged: true, applied: [] })

const cases: ReadonlyArray<readonly [string, unknown, Expected]> = [
  ["undefined event", undefined, success()],
  ["null event", null, success()],
  ["no Records", {}, success()],
  ["Records null", { Records: null }, success()],
  ["Records empty", { Records: [] }, success()],
  ["Records a string", { Records: "records" }, failure([], true)],
  ["Records an object", { Records: { 0: good(1) } }, failure([], true)],
  ["Records a number", { Records: 3 }, failure([], true)],
  ["a null entry", { Records: [null] }, failure([], true)],
  ["a string entry", { Records: ["record"] }, failure([], true)],
  ["an empty record", { Records: [{}] }, failure([], true)],
  ["kinesis null", { Records: [withKinesis(1, null)] }, failure([], true)],
  ["kinesis a string", { Records: [withKinesis(1, "data")] }, failure([], true)],
  ["null between good records", { Records: [good(1), null, good(3)] }, failure([sequenceOf(1), sequenceOf(3)], false)],
  ["an unidentified first entry", { Records: [{}, good(2)] }, failure([sequenceOf(2)], true)],
  ["no sequenceNumber", { Records: [good(1), withKinesis(2, noSequence)] }, failure([sequenceOf(1)], false)],
  ["an empty sequenceNumber", { Records: [good(1), withKinesis(2, { ...noSequence, sequenceNumber: "" })] }, failure([sequenceOf(1)], false)],
  ["a numeric sequenceNumber", { Records: [good(1), withKinesis(2, { ...noSequence, sequenceNumber: 42 })] }, failure([sequenceOf(1)], false)],
  // Identified records with other fields broken are processed: bad data is a decode failure.
  ["no data", { Records: [withKinesis(11, { ...good(11).kinesis, data: undefined })] }, success()],
  ["data not a string", { Records: [withKinesis(12, { ...good(12).kinesis, data: 7 })] }, success()],
  ["no arrival time, eventID or eventSourceARN", {
    Records: [{ kinesis: { ...good(13).kinesis, approximateArrivalTimestamp: undefined } }]
  }, success(["p13"])]
]

describe("kinesisHandler on malformed events", () => {
  it.each(cases)("%s", async (_name, event, expected) => {
    const before = new Set(state.store.control.rows("views").map((row) => row.key.entity))
    const { result, lines } = await captureLogs(() => handler(event as never, fakeContext()))
    const identifiers = reported(result)
    expect(identifiers.filter((id) => id !== "")).toEqual(expected.report)
    // An empty identifier is Lambda's full failure: only when a record cannot be reported otherwise.
    expect(identifiers.includes("")).toBe(expected.whole)
    expect(lines.some((line) => line.level === "ERROR" && /could not identify/.test(line.message))).toBe(expected.logged)
    const added = state.store.control.rows("views").map((row) => row.key.entity).filter((entity) => !before.has(entity))
    expect(added).toEqual(expected.applied)
  })
})
