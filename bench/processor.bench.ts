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
const rounds = 21

interface PageView {
  readonly page: string
  readonly n: number
}

const encoder = new TextEncoder()

const makeBatch = (round: number): Array<SourceRecord> =>
  Array.from({ length: batchSize }, (_, i) => ({
    eventId: `shardId-000/${round * batchSize + i}`,
    eventTimeMs: 1_700_000_000_000 + i,
    sequence: String(round * batchSize + i + 1),
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

const definition = {
  name: "page-views",
  key: (view: PageView) => view.page,
  value: (view: PageView) => view.n,
  monoid: sum,
  store: "bench"
}
const pageViews = pipeline({ ...definition, delivery: "claims" })

// The same pipeline deduplicated by per-shard fences instead of claims (the default for a shard).
const fencedPageViews = pipeline({ ...definition, delivery: "auto" })

const murmur = (
  decoder: ReturnType<typeof jsonDecoder<PageView, PageView>> | ReturnType<typeof jsonDecoder>,
  fenced = false
) => {
  const state = MemoryState.make()
  const runtime = ManagedRuntime.make(Layer.merge(state.layer, layerNoop))
  const typed = decoder as ReturnType<typeof jsonDecoder<PageView, PageView>>
  const run = async (records: ReadonlyArray<SourceRecord>) => {
    const batch = fenced
      ? processBatch(fencedPageViews, typed, records, { shardId: "shardId-000" })
      : processBatch(pageViews, typed, records)
    const result = await runtime.runPromise(batch)
    for (const outcome of result.outcomes) if (outcome._tag !== "Succeeded") throw new Error(`outcome ${outcome._tag}`)
  }
  return { run, state, dispose: () => runtime.dispose() }
}

/** Wall and CPU milliseconds of one run (CPU time is less disturbed by other processes). */
const time = async (run: () => unknown): Promise<{ wall: number; cpu: number }> => {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await run()
  const wall = performance.now() - start
  const used = process.cpuUsage(cpu)
  return { wall, cpu: (used.user + used.system) / 1000 }
}

/** Interleaved rounds of the baseline and one contender, each with its own state; medians. */
const compare = async (contender: (records: ReadonlyArray<SourceRecord>) => Promise<void>, firstRound: number) => {
  const baseline = plainLoop()
  const samples = { plainWall: [] as Array<number>, plainCpu: [] as Array<number>, wall: [] as Array<number>, cpu: [] as Array<number> }
  for (let round = 0; round < warmups + rounds; round++) {
    const records = makeBatch(firstRound + round)
    // Alternate who goes first: the first to touch a batch pays for hashing its event ids.
    const plain = round % 2 === 0 ? await time(() => baseline(records)) : undefined
    const ours = await time(() => contender(records))
    const plainAfter = plain ?? (await time(() => baseline(records)))
    if (round < warmups) continue
    samples.plainWall.push(plainAfter.wall)
    samples.plainCpu.push(plainAfter.cpu)
    samples.wall.push(ours.wall)
    samples.cpu.push(ours.cpu)
  }
  return {
    plain: { wall: median(samples.plainWall), cpu: median(samples.plainCpu) },
    ours: { wall: median(samples.wall), cpu: median(samples.cpu) }
  }
}

/** Runs the processor bench and returns its figures. */
export const runProcessorBench = async (): Promise<BenchResult> => {
  const plain = murmur(jsonDecoder())
  const main = await compare(plain.run, 0)
  const rows = plain.state.store.control.rows("bench")
  const total = rows.reduce((acc, row) => acc + (row.value as number), 0)
  if (total !== batchSize * (warmups + rounds) || rows.length !== keyCount) throw new Error(`murmur counted ${total}`)
  const commits = plain.state.store.control.commitCalls() / (warmups + rounds)
  await plain.dispose()
  const fencedRun = murmur(jsonDecoder(), true)
  const fenced = await compare(fencedRun.run, 500)
  await fencedRun.dispose()
  const validated = murmur(jsonDecoder(Schema.Struct({ page: Schema.String, n: Schema.Number })))
  const schema = await compare(validated.run, 1_000)
  await validated.dispose()
  return {
    title: `Processor: ${batchSize}-record batch, ${keyCount} keys, dedup on (claims), in-memory layers`,
    baseline: { name: "plain loop (TextDecoder + JSON.parse + Set dedup + Map merge), wall", ms: main.plain.wall },
    figures: [
      { name: "processBatch, jsonDecoder(), wall", ms: main.ours.wall, target: 1.25 },
      {
        name: `processBatch, jsonDecoder(), CPU time (baseline CPU ${main.plain.cpu.toFixed(2)} ms: ${(main.ours.cpu / main.plain.cpu).toFixed(2)}×)`,
        ms: main.ours.cpu
      },
      {
        name: `processBatch, fenced dedup (per-shard marks), jsonDecoder(), wall (its own baseline run: ${(fenced.ours.wall / fenced.plain.wall).toFixed(2)}×)`,
        ms: fenced.ours.wall
      },
      {
        name: `processBatch, jsonDecoder(schema), wall (its own baseline run: ${(schema.ours.wall / schema.plain.wall).toFixed(2)}×)`,
        ms: schema.ours.wall
      }
    ],
    notes: [
      `Store commits per batch: ${commits} (one per distinct key). Medians of ${rounds} interleaved rounds after ${warmups} warm-ups;` +
      " each round is a fresh batch (new event ids), so nothing is a duplicate and every contender's dedup state grows."
    ]
  }
}

registerBench({ name: "processor", run: runProcessorBench })

if (isMain(import.meta.url)) console.log(formatResult(await runProcessorBench()).join("\n"))
