import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterEach, describe, expect, it, vi } from "vitest"
import { kinesisHandler } from "../../../src/kinesis/lambda/index.js"
import { layerEmf } from "../../../src/metrics/index.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/schemaDecoder.js"
import { toStoreError } from "../../../src/state/storeErrors.js"
import * as MemoryState from "../../../src/state/memory/MemoryState.js"
import { Store } from "../../../src/state/Store.js"
import { fakeContext, pageViewEvent, reported, shardId } from "../lambda/events.js"
import { emfProblems } from "../metrics/emfSchema.js"

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
const views = pipeline({ name: "views", key: (view: typeof PageView.Type) => view.page, monoid: count, store: "views" })
const missingTable = "UpdateItem: ResourceNotFoundException: Requested resource not found"

/** Lines the handler wrote to standard output (its JSON logger's default sink), parsed. */
const captureStdout = () => {
  const lines: Array<string> = []
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split("\n").filter((line) => line !== ""))
    return true
  })
  return { lines, restore: () => spy.mockRestore() }
}

afterEach(() => vi.restoreAllMocks())

describe("Lambda handler observability", () => {
  it("explains every reported record in JSON log lines (no payload) and flushes EMF metrics once per invocation", async () => {
    const state = MemoryState.make()
    // The table is missing until the test creates it: commits fail as DynamoDB's would.
    let tableExists = false
    const sdkError = Object.assign(new Error("Requested resource not found"), { name: "ResourceNotFoundException" })
    const store = Layer.succeed(Store, {
      ...state.store.service,
      commit: (request) => (tableExists ? state.store.service.commit(request) : Effect.fail(toStoreError("UpdateItem", sdkError)))
    })
    const emf: Array<string> = []
    const handler = kinesisHandler(views, schemaDecoder(PageView), {
      layer: Layer.mergeAll(state.layer, store, layerEmf({ namespace: "unit", sink: (line) => emf.push(line) }))
    })
    const stdout = captureStdout()
    try {
      const response = await handler(pageViewEvent(["home", "home", "pricing"]), fakeContext())
      const failed = reported(response)
      expect(failed.length).toBe(3)

      const logs = stdout.lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      const failures = logs.filter((log) => log.message === "records failed")
      expect(failures.length).toBeGreaterThan(0)
      for (const log of failures) {
        expect(log).toMatchObject({ level: "ERROR", pipeline: "views", shard: shardId, error: "StoreError", errorMessage: missingTable })
        expect(typeof log.requestId).toBe("string")
      }
      // Every reported sequence number lies in a logged range (failed or not attempted).
      const ranges = logs.filter((log) => typeof log.firstSequence === "string")
      for (const sequence of failed) {
        expect(ranges.some((log) => (log.firstSequence as string) <= sequence && sequence <= (log.lastSequence as string))).toBe(true)
      }
      const text = stdout.lines.join("\n")
      expect(text).not.toContain("pricing") // keys and payloads stay out
      expect(text).not.toContain("u0")

      expect(emf.length).toBeGreaterThan(0)
      for (const line of emf) expect(emfProblems(line)).toEqual([])
      const first = emf.map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(first.some((doc) => doc.pipeline === "views" && typeof doc.row_failed === "number")).toBe(true)

      const before = emf.length
      tableExists = true
      expect(reported(await handler(pageViewEvent(["home"], 10), fakeContext()))).toEqual([])
      const second = emf.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(second).toHaveLength(1)
      expect(second[0]).toMatchObject({ pipeline: "views", records_merged: 1 })
    } finally {
      stdout.restore()
      await handler.dispose()
    }
  })
})
