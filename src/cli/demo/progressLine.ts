/** The demo's live progress line: records per second, totals per driver, lag, and (with workers) shard owners. */
import { type DriverTotals, formatCount } from "../progress.js"

/** One sample of the demo's state, for `progressLine`. */
export interface ProgressSample {
  readonly elapsedMs: number
  readonly produced: number
  readonly total: number
  readonly consumer: DriverTotals
  readonly lambda: DriverTotals
  /** The sketch pipelines' consumers, as the slowest of them. */
  readonly sketches?: DriverTotals | undefined
  /** With `--workers`: who holds which shard, e.g. `worker-1 #0 #1, worker-2 #2 #3`. */
  readonly leases?: string | undefined
}

const rate = (now: number, before: number, ms: number) => (ms > 0 ? Math.round(((now - before) * 1000) / ms) : 0)

// The lag is what was produced and not yet processed: the truth here, where kinesalite's
// MillisBehindLatest is always 0 and would print "0 ms behind" at any backlog.
const driver = (name: string, now: DriverTotals, before: DriverTotals, ms: number, produced: number) =>
  `${name} ${formatCount(now.records)} (${formatCount(rate(now.records, before.records, ms))}/s, ` +
  `lag ${formatCount(Math.max(0, produced - now.records))} records)`

/**
 * The line printed every second, e.g.
 * `[  4s] produced 20,000/50,005 (5,000/s) · consumer 18,000 (4,800/s, lag 2,000 records) · lambda …`
 */
export const progressLine = (now: ProgressSample, before: ProgressSample): string => {
  const ms = now.elapsedMs - before.elapsedMs
  const seconds = String(Math.round(now.elapsedMs / 1000)).padStart(3)
  return `[${seconds}s] produced ${formatCount(now.produced)}/${formatCount(now.total)} ` +
    `(${formatCount(rate(now.produced, before.produced, ms))}/s) · ` +
    `${driver("consumer", now.consumer, before.consumer, ms, now.produced)} · ` +
    `${driver("lambda", now.lambda, before.lambda, ms, now.produced)}` +
    (now.sketches === undefined ? "" : ` · ${driver("sketches", now.sketches, before.sketches ?? now.sketches, ms, now.produced)}`) +
    (now.leases === undefined ? "" : ` · leases ${now.leases}`)
}
