import { build } from "esbuild"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"
import {
  type KinesisHandler,
  kinesisHandlerWithLayer,
  makeKinesisHandler,
  makeKinesisHandlerWithLayer
} from "../../../src/kinesis/lambda/index.js"
import { layerNoop } from "../../../src/metrics/noop.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { jsonDecoder } from "../../../src/processor/decoders.js"
import type { Decoder } from "../../../src/processor/types.js"
import * as MemoryState from "../../../src/state/memory/MemoryState.js"
import { fakeContext, pageViewEvent } from "./events.js"

const views = pipeline({ name: "views", key: (view: { page: string }) => view.page, monoid: count, store: "views" })
const decoder = jsonDecoder() as Decoder<{ page: string }>

const handlers: Array<KinesisHandler> = []
afterEach(async () => {
  await Promise.all(handlers.splice(0).map((handler) => handler.dispose()))
})

describe("kinesisHandlerWithLayer", () => {
  it("runs batches on the layer it is given", async () => {
    const state = MemoryState.make()
    const handler = kinesisHandlerWithLayer(views, decoder, { layer: Layer.merge(state.layer, layerNoop) })
    handlers.push(handler)
    expect(await handler(pageViewEvent(["home", "home", "about"]), fakeContext())).toEqual({ batchItemFailures: [] })
    const rows = state.store.control.rows("views").map((row) => [row.key.entity, row.value])
    expect(Object.fromEntries(rows)).toEqual({ home: 2, about: 1 })
  })

  it("refuses to be made without a layer, naming the field", () => {
    const made = makeKinesisHandlerWithLayer(views, decoder, { layer: undefined as never })
    expect(Either.isLeft(made) && made.left.field).toBe("layer")
    const notALayer = makeKinesisHandlerWithLayer(views, decoder, { layer: {} as never })
    expect(Either.isLeft(notALayer) && notALayer.left.field).toBe("layer")
  })

  it("leaves kinesisHandler's DynamoDB default in place", () => {
    expect(Either.isRight(makeKinesisHandler(views, decoder))).toBe(true)
  })

  // What the split is for: a user's bundle of the in-memory handler imports neither the DynamoDB
  // layers nor their SDK (the SDK's load was three quarters of a cold start, see bench/results.md).
  it("keeps DynamoDB and decimal.js out of a bundle that uses only it", async () => {
    const src = fileURLToPath(new URL("../../../src/", import.meta.url))
    const result = await build({
      stdin: {
        contents: `
          import * as Layer from "effect/Layer"
import { count, jsonDecoder, layerNoop, MemoryStore, pipeline } from "./index.js"
          import { kinesisHandlerWithLayer } from "./kinesis/lambda/index.js"
          const views = pipeline({ name: "v", key: (v) => v.page, monoid: count, store: "v" })
          export const handler = kinesisHandlerWithLayer(views, jsonDecoder(), { layer: Layer.merge(MemoryStore.layer, layerNoop) })`,
        resolveDir: src,
        loader: "ts"
      },
      bundle: true,
      write: false,
      platform: "node",
      format: "esm",
      metafile: true,
      external: ["@aws-sdk/*", "@smithy/*"],
      logLevel: "silent"
    })
    const output = Object.values(result.metafile.outputs)[0]!
    const bundled = Object.keys(output.inputs)
    expect(bundled.filter((path) => path.includes("state/dynamodb/"))).toEqual([])
    expect(output.imports.map((entry) => entry.path)).not.toContain("@aws-sdk/client-dynamodb")
    // A count pipeline makes no decimals: the exact sum (decimalSum.ts) and decimal.js stay out.
    expect(bundled.filter((path) => path.includes("decimal"))).toEqual([])
  })
})
