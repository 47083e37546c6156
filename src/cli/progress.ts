/** What the CLI prints about a running driver: totals over its shards, and counts formatted for people. */
import type { ConsumerProgress } from "../kinesis/stream/progress.js"

/** What one driver has done so far, summed over its shards. */
export interface DriverTotals {
  readonly records: number
  /** The largest MillisBehindLatest any shard reported last; undefined before the first read. */
  readonly behindMs: number | undefined
}

/**
 * Sums a driver's per-shard progress.
 *
 * @example
 * const { records, behindMs } = driverTotals(yield* SubscriptionRef.get(progress))
 */
export const driverTotals = (progress: ConsumerProgress): DriverTotals => {
  let records = 0
  let behindMs: number | undefined
  for (const shard of Object.values(progress.shards)) {
    records += shard.recordsProcessed
    if (shard.millisBehindLatest !== undefined) behindMs = Math.max(behindMs ?? 0, shard.millisBehindLatest)
  }
  return { records, behindMs }
}

/**
 * A number with thousands separators, as every line of the CLI prints them.
 *
 * @example
 * formatCount(50005) // "50,005"
 */
export const formatCount = (value: number): string => value.toLocaleString("en-US")
