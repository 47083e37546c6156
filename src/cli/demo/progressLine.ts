/** The demo's live progress line: records per second, totals per driver, and lag. */
import type { ConsumerProgress } from "../../kinesis/consumer/progress.js"

/** What one driver has done so far, summed over its shards. */
export interface DriverTotals {
  readonly records: number
  /** The largest MillisBehindLatest any shard reported last; undefined before the first read. */
  readonly behindMs: number | undefined
}

/** Sums a driver's per-shard progress. */
export const driverTotals = (progress: ConsumerProgress): DriverTotals => {
  let records = 0
  let behindMs: number | undefined
  for (const shard of Object.values(progress.shards)) {
    records += shard.recordsProcessed
    if (shard.millisBehindLatest !== undefined) behindMs = Math.max(behindMs ?? 0, shard.millisBehindLatest)
  }
  return { records, behindMs }
}

/** A number with thousands separators, as every line of the demo prints them. */
export const formatCount = (value: number): string => value.toLocaleString("en-US")

/** One sample of the demo's state, for `progressLine`. */
export interface ProgressSample {
  readonly elapsedMs: number
  readonly produced: number
  readonly total: number
  readonly consumer: DriverTotals
  readonly lambda: DriverTotals
}

const rate = (now: number, before: number, ms: number) => (ms > 0 ? Math.round(((now - before) * 1000) / ms) : 0)

const driver = (name: string, now: DriverTotals, before: DriverTotals, ms: number, produced: number) =>
  `${name} ${formatCount(now.records)} (${formatCount(rate(now.records, before.records, ms))}/s, ` +
  `lag ${formatCount(Math.max(0, produced - now.records))} records` +
  (now.behindMs === undefined ? ")" : `, ${formatCount(now.behindMs)} ms behind)`)

/**
 * The line printed every second, e.g.
 * `[  4s] produced 20,000/50,005 (5,000/s) · consumer 18,000 (4,800/s, lag 2,000 records, 0 ms behind) · lambda …`
 */
export const progressLine = (now: ProgressSample, before: ProgressSample): string => {
  const ms = now.elapsedMs - before.elapsedMs
  const seconds = String(Math.round(now.elapsedMs / 1000)).padStart(3)
  return `[${seconds}s] produced ${formatCount(now.produced)}/${formatCount(now.total)} ` +
    `(${formatCount(rate(now.produced, before.produced, ms))}/s) · ` +
    `${driver("consumer", now.consumer, before.consumer, ms, now.produced)} · ` +
    `${driver("lambda", now.lambda, before.lambda, ms, now.produced)}`
}
