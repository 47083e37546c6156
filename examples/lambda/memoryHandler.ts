/**
 * The same handler on in-memory state and no metrics: for trying the example without AWS
 * (`npx tsx examples/lambda/build.ts` bundles it too: 240 KiB loaded at start).
 */
import * as Layer from "effect/Layer"
import { kinesisHandlerWithLayer } from "../../src/kinesis/lambda/index.js"
import { layerNoop } from "../../src/metrics/index.js"
import * as MemoryState from "../../src/state/memory/MemoryState.js"
import { pageViewDecoder, pageViews } from "./pipeline.js"

export const handler = kinesisHandlerWithLayer(pageViews, pageViewDecoder, {
  layer: Layer.merge(MemoryState.layer, layerNoop)
})
