/**
 * Sketch bench: HLL update rate into one sketch against the `bloom-filters` package's
 * HyperLogLog and a `Set<string>` (exact distinct count) in the same run; dense HLL merge time;
 * HLL accuracy over 100 trials per size up to 10M distinct; top-K recall on a Zipf stream; Bloom
 * false-positive rate at capacity. Rates are given per wall second and per CPU second (the
 * machine is shared: CPU time is what this process actually got).
 * Run alone with `npx tsx bench/sketch.bench.ts`, or through `npm run bench`.
 */
import BloomFilters from "bloom-filters"
import { bloom, bloomContains, hll, type TopK, topK } from "../src/monoid/index.js"
import { maxWithWords, registerMaxUsesSimd } from "../src/monoid/sketch/registerMax.js"
import { type BenchResult, formatResult, isMain, median, registerBench } from "./report.js"

const { HyperLogLog } = BloomFilters // a CommonJS package: named imports fail under ESM
const updates = 1_000_000
const rounds = 5
const uniques = hll()

const cpuMs = () => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/** Wall and CPU milliseconds of one run of `work`. */
const timed = (work: () => void): { wall: number; cpu: number } => {
  const cpu = cpuMs()
  const wall = performance.now()
  work()
  return { wall: performance.now() - wall, cpu: cpuMs() - cpu }
}

/** A seeded generator (mulberry32), so every run draws the same streams. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const perSecond = (count: number, ms: number) => `${((count / ms) * 1000 / 1e6).toFixed(1)} M/s`

interface Sample {
  readonly wall: number
  readonly cpu: number
}

/**
 * Median wall and CPU milliseconds per 1M updates of each contender, after one warm-up round.
 * bloom-filters' HyperLogLog runs at about a thousand updates per second here, so it counts
 * fewer elements and its time is scaled to 1M.
 */
const updateRates = () => {
  const elements = Array.from({ length: updates }, (_, i) => `user-${i}`)
  const slowCount = 5_000
  const contenders = {
    set: { count: updates, run: () => {
      const seen = new Set<string>()
      for (const e of elements) seen.add(e)
    } },
    murmur: { count: updates, run: () => {
      const counter = uniques.counter()
      for (const e of elements) counter.add(e)
    } },
    bloomFilters: { count: slowCount, run: () => {
      const sketch = new HyperLogLog(16384)
      for (let i = 0; i < slowCount; i++) sketch.update(elements[i]!)
    } }
  }
  type Name = keyof typeof contenders
  const names = Object.keys(contenders) as Array<Name>
  const samples = new Map<Name, Array<Sample>>(names.map((name) => [name, []]))
  for (let round = 0; round < rounds + 1; round++) {
    for (const name of names) {
      const sample = timed(contenders[name].run)
      const scale = updates / contenders[name].count
      if (round > 0) samples.get(name)!.push({ wall: sample.wall * scale, cpu: sample.cpu * scale }) // round 0 warms up
    }
  }
  const wall = (name: Name) => median(samples.get(name)!.map((s) => s.wall))
  const cpu = (name: Name) => median(samples.get(name)!.map((s) => s.cpu))
  const theirs = new HyperLogLog(16384)
  const ours = uniques.counter()
  for (let i = 0; i < slowCount; i++) theirs.update(elements[i]!)
  for (const e of elements) ours.add(e)
  return { wall, cpu, slowCount, estimates: { murmur: ours.estimate(), bloomFilters: Math.round(theirs.count()) } }
}

/** Microseconds per call of `merge`, wall and CPU (medians of rounds after one warm-up). */
const microsPerMerge = (merge: () => unknown) => {
  const merges = 10_000
  const samples = Array.from({ length: rounds + 1 }, () => timed(() => {
    for (let i = 0; i < merges; i++) merge()
  })).slice(1)
  return {
    wall: (median(samples.map((s) => s.wall)) / merges) * 1000,
    cpu: (median(samples.map((s) => s.cpu)) / merges) * 1000
  }
}

/** `combine` of two dense sketches, and the JavaScript word loop alone on the same registers. */
const denseMergeMicros = () => {
  const a = uniques.counter()
  const b = uniques.counter()
  for (let i = 0; i < 100_000; i++) {
    a.add(`a${i}`)
    b.add(`b${i}`)
  }
  const [left, right] = [a.toHll(), b.toHll()]
  return {
    combine: microsPerMerge(() => uniques.combine(left, right)),
    wordLoop: microsPerMerge(() => maxWithWords(left.dense!, right.dense!))
  }
}

const accuracyTable = (): Array<string> => {
  // 100 trials, so the 99th percentile is a percentile (the second largest), not the maximum.
  const trials = 100
  const sizes = [10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000]
  const rows = ["| distinct | trials | mean abs error | p99 abs error | max abs error | target |", "|---:|---:|---:|---:|---:|---|"]
  // Elements are 8 bytes (trial, index) hashed as they are: 1.1 billion updates take about a CPU minute.
  const element = new Uint8Array(8)
  const view = new DataView(element.buffer)
  for (const n of sizes) {
    const errors: Array<number> = []
    for (let trial = 0; trial < trials; trial++) {
      const counter = uniques.counter()
      view.setUint32(4, (n * 1000 + trial) >>> 0, true)
      for (let i = 0; i < n; i++) {
        view.setUint32(0, i, true)
        counter.addBytes(element, 8)
      }
      errors.push(Math.abs(counter.estimate() - n) / n)
    }
    errors.sort((a, b) => a - b)
    const mean = errors.reduce((a, b) => a + b, 0) / trials
    const p99 = errors[Math.ceil(0.99 * trials) - 1]!
    const met = mean <= 0.009 && p99 <= 0.025 ? "met" : "MISSED"
    const pct = (x: number) => `${(x * 100).toFixed(3)} %`
    rows.push(`| ${n.toLocaleString("en")} | ${trials} | ${pct(mean)} | ${pct(p99)} | ${pct(errors[trials - 1]!)} | mean ≤ 0.9 %, p99 ≤ 2.5 %: ${met} |`)
  }
  return rows
}

/** Recall of the true top 10 by `topK(100)` over a 1M-event Zipf(1.1) stream of 100k items, in 1,000-event batches. */
const topKRecall = (seed: number): number => {
  const items = 100_000
  const events = 1_000_000
  const cdf = new Float64Array(items)
  let total = 0
  for (let r = 0; r < items; r++) cdf[r] = total += 1 / Math.pow(r + 1, 1.1)
  const random = seeded(seed)
  const draw = () => {
    const u = random() * total
    let lo = 0
    let hi = items - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cdf[mid]! < u) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const monoid = topK(100)
  const truth = new Map<string, number>()
  let summary: TopK = monoid.empty
  for (let from = 0; from < events; from += 1000) {
    const batch = new Map<string, number>()
    for (let i = 0; i < 1000; i++) {
      const item = `item-${draw()}`
      batch.set(item, (batch.get(item) ?? 0) + 1)
      truth.set(item, (truth.get(item) ?? 0) + 1)
    }
    summary = monoid.combine(summary, monoid.fromCounts(batch))
  }
  const trueTop = new Set([...truth].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([item]) => item))
  return summary.slice(0, 10).filter((i) => trueTop.has(i.item)).length / 10
}

const bloomFalsePositives = (): number => {
  const filter = bloom()
  let value = filter.empty
  for (let from = 0; from < 100_000; from += 10_000) {
    value = filter.combine(value, filter.of(...Array.from({ length: 10_000 }, (_, i) => `member-${from + i}`)))
  }
  const probes = 1_000_000
  let positives = 0
  for (let i = 0; i < probes; i++) if (bloomContains(value, `stranger-${i}`)) positives++
  return positives / probes
}

export const runSketchBench = async (): Promise<BenchResult> => {
  const rates = updateRates()
  const merge = denseMergeMicros()
  const accuracy = accuracyTable()
  const recalls = [1, 2, 3].map(topKRecall)
  const falsePositiveRate = bloomFalsePositives()
  const murmurCpuRate = (updates / rates.cpu("murmur")) * 1000
  return {
    title: `Sketches: distinct strings into one HLL (precision 14), ms per ${updates.toLocaleString("en")} updates`,
    baseline: { name: "Set<string>.add (exact, unbounded memory)", ms: rates.wall("set") },
    figures: [
      { name: "murmur hll counter.add", ms: rates.wall("murmur") },
      { name: `bloom-filters HyperLogLog(16384).update (${rates.slowCount.toLocaleString("en")} elements, scaled to 1M)`, ms: rates.wall("bloomFilters") }
    ],
    notes: [
      `Update rates (wall / CPU): murmur ${perSecond(updates, rates.wall("murmur"))} / ${perSecond(updates, rates.cpu("murmur"))}, ` +
        `bloom-filters ${perSecond(updates, rates.wall("bloomFilters"))} / ${perSecond(updates, rates.cpu("bloomFilters"))}, ` +
        `Set ${perSecond(updates, rates.wall("set"))} / ${perSecond(updates, rates.cpu("set"))}. ` +
        `Target ≥ 10 M/s per CPU second: ${murmurCpuRate >= 10e6 ? "met" : "MISSED"}. ` +
        `Estimates: murmur ${rates.estimates.murmur} of ${updates.toLocaleString("en")}, ` +
        `bloom-filters ${rates.estimates.bloomFilters} of ${rates.slowCount.toLocaleString("en")}.`,
      `Dense merge (two 100k-element sketches, new value), ${registerMaxUsesSimd() ? "WebAssembly SIMD" : "word loop (no WebAssembly SIMD here)"}: ` +
        `${merge.combine.wall.toFixed(2)} µs wall, ${merge.combine.cpu.toFixed(2)} µs CPU; target ≤ 10 µs: ${merge.combine.cpu <= 10 ? "met" : "MISSED"}. ` +
        `The JavaScript word loop alone on the same registers (the fallback): ${merge.wordLoop.wall.toFixed(2)} µs wall, ${merge.wordLoop.cpu.toFixed(2)} µs CPU.`,
      "HLL accuracy (Ertl's estimator, as Redis's PFCOUNT):\n\n" + accuracy.join("\n"),
      `Top-K recall of the true top 10, topK(100), 1M-event Zipf(1.1) over 100k items in 1,000-event batches, three seeds: ` +
        `${recalls.map((r) => r.toFixed(2)).join(", ")}; target ≥ 0.95: ${Math.min(...recalls) >= 0.95 ? "met" : "MISSED"}.`,
      `Bloom(100,000, 1 %) measured false-positive rate at capacity over 1M probes: ${(falsePositiveRate * 100).toFixed(3)} %; ` +
        `target ≤ 1.2 %: ${falsePositiveRate <= 0.012 ? "met" : "MISSED"}.`
    ]
  }
}

registerBench({ name: "sketch", run: runSketchBench })

if (isMain(import.meta.url)) console.log(formatResult(await runSketchBench()).join("\n"))
