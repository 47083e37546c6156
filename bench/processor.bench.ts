/**
 * Processor bench: a 10,000-record batch of JSON page views over 100 keys, dedup on (the claims
 * strategy, in-memory layers), against a hand-written loop doing the same decode (TextDecoder +
 * JSON.parse), Set dedup and Map merge in the same process. Interleaved rounds, fresh event ids
 * per round (nothing is a duplicate), warm-up first, medians reported.
 * Run alone with `npx tsx bench/processor.bench.ts`, or through `npm run bench`.
 */
import { Layer, ManagedRuntime, Schema } from "effect"
import { layerNoop } from "../src/metrics/noop.js"
import { sum } from "../src/monoid/index.js"
import { pipeline } from "../src/pipeline/index.js"
import { jsonDecoder } from "../src/processor/decoders.js"
import { processBatch } from "../src/processor/processBatch.js"
import type { SourceRecord } from "../src/processor/types.js"
import * as MemoryState from "../src/state/memory/MemoryState.js"
import { type BenchResult, formatResult, isMain, median, registerBench } from "./report.js"

const batchSize = 10_000
const keyCount = 100
const warmups = 5
const rounds = 15

interface PageView {
  readonly page: string
  readonly n: number
}

const encoder = new TextEncoder()

const makeBatch = (round: number): Array<SourceRecord> =>
  Array.from({ length: batchSize }, (_, i) => ({
    eventId: `shardId-000/${round * batchSize + i}`,
    eventTimeMs: 1_700_000_000_000 + i,
    data: encoder.encode(JSON.stringify({ page: `p${i % keyCount}`, n: 1 }))
  }))

/** The baseline: what a careful hand-written consumer does, and nothing more. */
const plainLoop = () => {
  const textDecoder = new TextDecoder()
  const seen = new Set<string>()
  const totals = new Map<string, number>()
  return (records: ReadonlyArray<SourceRecord>) => {
    for (const record of records) {
      let view: PageView
      try {
        view = JSON.parse(textDecoder.decode(record.data)) as PageView
      } catch {
        continue
      }
      if (seen.has(record.eventId)) continue
      seen.add(record.eventId)
      totals.set(view.page, (totals.get(view.page) ?? 0) + view.n)
    }
    return totals
  }
}

const pageViews = pipeline({
  name: "page-views",
  key: (view: PageView) => view.page,
  value: (view: PageView) => view.n,
  monoid: sum,
  store: "bench",
  delivery: (process.env.BENCH_DELIVERY ?? "claims") as "claims"
})

const murmur = (decoder: ReturnType<typeof jsonDecoder<PageView, PageView>> | ReturnType<typeof jsonDecoder>) => {
  const state = MemoryState.make()
  const runtime = ManagedRuntime.make(Layer.merge(state.layer, layerNoop))
  const run = async (records: ReadonlyArray<SourceRecord>) => {
    const result = await runtime.runPromise(processBatch(pageViews, decoder as ReturnType<typeof jsonDecoder<PageView, PageView>>, records))
    for (const outcome of result.outcomes) if (outcome._tag !== "Succeeded") throw new Error(`outcome ${outcome._tag}`)
  }
  return { run, state, dispose: () => runtime.dispose() }
}

const time = async (run: () => unknown) => {
  const start = performance.now()
  await run()
  return performance.now() - start
}

/** Runs the processor bench and returns its figures. */
export const runProcessorBench = async (): Promise<BenchResult> => {
  const baseline = plainLoop()
  const plain = murmur(jsonDecoder())
  const validated = murmur(jsonDecoder(Schema.Struct({ page: Schema.String, n: Schema.Number })))
  const samples: Record<"plain" | "murmur" | "schema", Array<number>> = { plain: [], murmur: [], schema: [] }
  for (let round = 0; round < warmups + rounds; round++) {
    const records = makeBatch(round)
    const timings = {
      plain: await time(() => baseline(records)),
      murmur: await time(() => plain.run(records)),
      schema: await time(() => validated.run(records))
    }
    if (round >= warmups) for (const [name, ms] of Object.entries(timings)) samples[name as keyof typeof samples].push(ms)
  }
  const rows = plain.state.store.control.rows("bench")
  const total = rows.reduce((acc, row) => acc + (row.value as number), 0)
  if (total !== batchSize * (warmups + rounds) || rows.length !== keyCount) throw new Error(`murmur counted ${total}`)
  const commits = plain.state.store.control.commitCalls() / (warmups + rounds)
  await plain.dispose()
  await validated.dispose()
  return {
    title: `Processor: ${batchSize}-record batch, ${keyCount} keys, dedup on (claims), in-memory layers`,
    baseline: { name: "plain loop (TextDecoder + JSON.parse + Set dedup + Map merge)", ms: median(samples.plain) },
    figures: [
      { name: "processBatch, jsonDecoder()", ms: median(samples.murmur), target: 1.25 },
      { name: "processBatch, jsonDecoder(schema) (adds Schema validation)", ms: median(samples.schema) }
    ],
    notes: [`Store commits per batch: ${commits} (one per distinct key). Median of ${rounds} rounds after ${warmups} warm-ups.`]
  }
}

registerBench({ name: "processor", run: runProcessorBench })

if (isMain(import.meta.url)) console.log(formatResult(await runProcessorBench()).join("\n"))
