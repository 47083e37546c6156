/**
 * Lambda handler bench: a 10,000-record Kinesis batch (100 pages, JSON page views) on in-memory
 * layers, timed against two same-run baselines doing the same decode + dedup + Map merge:
 * a plain TypeScript loop, and Powertools' `processPartialResponse` (sequential). Then the
 * esbuild bundle's size and its cold init (a fresh `node`: import plus a first 100-record batch).
 * Run alone with `npx tsx bench/lambda.bench.ts`, or through `npm run bench`.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch"
import type { Context as LambdaContext, KinesisStreamEvent, KinesisStreamRecord } from "aws-lambda"
import { Layer, Schema } from "effect"
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { bundle } from "../examples/lambda/build.js"
import { kinesisHandler } from "../src/kinesis/lambda/index.js"
import { layerNoop } from "../src/metrics/noop.js"
import { count } from "../src/monoid/index.js"
import { pipeline } from "../src/pipeline/index.js"
import { jsonDecoder } from "../src/processor/decoders.js"
import type { Decoder } from "../src/processor/types.js"
import * as MemoryState from "../src/state/memory/MemoryState.js"
import { type BenchResult, formatResult, isMain, median, registerBench } from "./report.js"

const batchSize = 10_000
const pageCount = 100
const warmups = 3
const rounds = 11
const coldRuns = 5
const streamArn = "arn:aws:kinesis:us-east-1:123456789012:stream/bench"

const PageView = Schema.Struct({ page: Schema.String, user: Schema.String })
type PageView = typeof PageView.Type

/** Batch `index` of a shard: fresh sequence numbers each time, so nothing is a duplicate. */
const makeEvent = (index: number, size = batchSize): KinesisStreamEvent => ({
  Records: Array.from({ length: size }, (_, i): KinesisStreamRecord => {
    const sequenceNumber = `4959${String(index * size + i + 1).padStart(52, "0")}`
    const view = { page: `page-${i % pageCount}`, user: `user-${i % 997}` }
    return {
      kinesis: {
        kinesisSchemaVersion: "1.0",
        partitionKey: view.user,
        sequenceNumber,
        data: Buffer.from(JSON.stringify(view)).toString("base64"),
        approximateArrivalTimestamp: 1_700_000_000 + i / 1000
      },
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      eventID: `shardId-000000000000:${sequenceNumber}`,
      eventName: "aws:kinesis:record",
      invokeIdentityArn: "arn:aws:iam::123456789012:role/bench",
      awsRegion: "us-east-1",
      eventSourceARN: streamArn
    }
  })
})

const context = { getRemainingTimeInMillis: () => 900_000 } as LambdaContext

/** The work every contender does per record: base64, UTF-8 JSON, dedup by event id, Map merge. */
const makeBaselineState = () => ({ seen: new Set<string>(), totals: new Map<string, number>() })
const applyRecord = (state: ReturnType<typeof makeBaselineState>, record: KinesisStreamRecord) => {
  const eventId = `${record.eventSourceARN}/${record.kinesis.sequenceNumber}`
  const view = JSON.parse(Buffer.from(record.kinesis.data, "base64").toString("utf8")) as PageView
  if (state.seen.has(eventId)) return
  state.seen.add(eventId)
  state.totals.set(view.page, (state.totals.get(view.page) ?? 0) + 1)
}

const plainLoop = (state: ReturnType<typeof makeBaselineState>) => async (event: KinesisStreamEvent) => {
  const failures: Array<{ itemIdentifier: string }> = []
  for (const record of event.Records) {
    try {
      applyRecord(state, record)
    } catch {
      failures.push({ itemIdentifier: record.kinesis.sequenceNumber })
    }
  }
  return { batchItemFailures: failures }
}

const powertools = (state: ReturnType<typeof makeBaselineState>) => {
  const processor = new BatchProcessor(EventType.KinesisDataStreams)
  return (event: KinesisStreamEvent) =>
    processPartialResponse(event, async (record: KinesisStreamRecord) => applyRecord(state, record), processor, {
      context,
      processInParallel: false
    })
}

const time = async (run: () => Promise<unknown>) => {
  const start = performance.now()
  await run()
  return performance.now() - start
}

/** Warm comparison: medians over interleaved rounds, each round a fresh batch for everyone. */
const warm = async () => {
  const pageViews = pipeline({ name: "page-views", key: (v: PageView) => v.page, monoid: count, store: "bench" })
  const state = MemoryState.make()
  const murmur = kinesisHandler(pageViews, jsonDecoder(PageView), { layer: Layer.merge(state.layer, layerNoop) })
  // The baselines do not validate: the same handler with a schema-less decoder shows that share.
  const unvalidated = pipeline({ name: "page-views", key: (v: PageView) => v.page, monoid: count, store: "bench-raw" })
  const murmurRaw = kinesisHandler(unvalidated, jsonDecoder() as Decoder<PageView>, {
    layer: Layer.merge(MemoryState.layer, layerNoop)
  })
  const contenders = {
    "plain loop": plainLoop(makeBaselineState()),
    "powertools processPartialResponse": powertools(makeBaselineState()),
    "murmur kinesisHandler": (event: KinesisStreamEvent) => murmur(event, context),
    "murmur, decoder without Schema": (event: KinesisStreamEvent) => murmurRaw(event, context)
  }
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, [] as Array<number>]))
  for (let round = 0; round < warmups + rounds; round++) {
    const event = makeEvent(round)
    for (const [name, run] of Object.entries(contenders)) {
      const ms = await time(async () => {
        const response = await run(event)
        if (response.batchItemFailures.length > 0) throw new Error(`${name} reported failures`)
      })
      if (round >= warmups) samples[name]!.push(ms)
    }
  }
  const rows = state.store.control.rows("bench")
  const total = rows.reduce((sum, row) => sum + (row.value as number), 0)
  if (total !== batchSize * (warmups + rounds)) throw new Error(`murmur counted ${total}`)
  await Promise.all([murmur.dispose(), murmurRaw.dispose()])
  return Object.fromEntries(Object.entries(samples).map(([name, ms]) => [name, median(ms)])) as Record<
    keyof typeof contenders,
    number
  >
}

// Runs in a fresh node: import the bundle, then a first 100-record batch; prints the timings.
const coldScript = (bundleUrl: string, eventJson: string) => `
const t0 = performance.now()
const { handler } = await import(${JSON.stringify(bundleUrl)})
const t1 = performance.now()
const response = await handler(${eventJson}, { getRemainingTimeInMillis: () => 900000 })
const t2 = performance.now()
if (response.batchItemFailures.length > 0) throw new Error("cold batch reported failures")
console.log(JSON.stringify({ importMs: t1 - t0, firstBatchMs: t2 - t1 }))
`

const cold = async () => {
  const outDir = mkdtempSync(join(tmpdir(), "murmur-lambda-bench-"))
  try {
    const memory = await bundle("memory", outDir)
    const deployable = await bundle("handler", outDir)
    const script = coldScript(pathToFileURL(memory.file).href, JSON.stringify(makeEvent(0, 100)))
    const runs: Array<{ importMs: number; firstBatchMs: number; processMs: number }> = []
    for (let run = 0; run < coldRuns; run++) {
      const start = performance.now()
      const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })
      const processMs = performance.now() - start
      if (child.status !== 0) throw new Error(`cold start failed: ${child.stderr}`)
      runs.push({ ...JSON.parse(child.stdout.trim().split("\n").pop()!), processMs })
    }
    return {
      memoryBundleBytes: memory.bytes,
      deployableBundleBytes: deployable.bytes,
      importMs: median(runs.map((r) => r.importMs)),
      firstBatchMs: median(runs.map((r) => r.firstBatchMs)),
      processMs: median(runs.map((r) => r.processMs))
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true })
  }
}

/** Runs the whole Lambda bench and returns its figures (baseline: the plain loop). */
export const runLambdaBench = async (): Promise<BenchResult> => {
  const medians = await warm()
  const c = await cold()
  const handler = medians["murmur kinesisHandler"]
  const pt = medians["powertools processPartialResponse"]
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`
  return {
    title: `Lambda handler: ${batchSize}-record Kinesis batch, ${pageCount} keys, in-memory layers`,
    baseline: { name: "plain TypeScript loop (base64 + JSON.parse + Set dedup + Map merge)", ms: medians["plain loop"] },
    figures: [
      { name: "Powertools processPartialResponse (sequential), same work", ms: pt },
      { name: "murmur kinesisHandler (jsonDecoder + Schema, fenced dedup)", ms: handler },
      { name: "murmur kinesisHandler, decoder without Schema", ms: medians["murmur, decoder without Schema"] }
    ],
    notes: [
      `Handler / Powertools: ${(handler / pt).toFixed(2)}×.`,
      `Bundle (esbuild, minified, AWS SDK included): deployable DynamoDB handler ${kib(c.deployableBundleBytes)}, ` +
        `in-memory handler ${kib(c.memoryBundleBytes)}.`,
      `Cold init (fresh node, median of ${coldRuns}): import ${c.importMs.toFixed(1)} ms + first 100-record batch ` +
        `${c.firstBatchMs.toFixed(1)} ms = ${(c.importMs + c.firstBatchMs).toFixed(1)} ms; ` +
        `whole process including node start ${c.processMs.toFixed(0)} ms.`
    ]
  }
}

registerBench({ name: "lambda", run: runLambdaBench })

if (isMain(import.meta.url)) console.log(formatResult(await runLambdaBench()).join("\n"))
