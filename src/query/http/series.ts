/**
 * One key's value in each bucket of a span, for the dashboard's chart: one `Store.getRange` of
 * the key (a DynamoDB Query: only rows that exist come back), a missing row reading as the identity. (The `Query` reads fold the span into one
 * value; a chart needs the buckets apart.)
 */
import * as Effect from "effect/Effect"
import { InvalidKey, RangeTooLarge, type StoreError } from "../../errors.js"
import { keyProblem } from "../../record/key.js"
import { Store } from "../../state/Store.js"
import { type BucketRange, bucketStart } from "../../window/Window.js"
import { QueryLimits } from "../limits.js"
import type { AnyQueryTarget } from "./target.js"

/** One bucket's value. */
export interface BucketValue<V> {
  /** Epoch ms of the bucket's start. */
  readonly startMs: number
  readonly value: V
}

/**
 * The value of `key` in every bucket of `buckets`, oldest first. Windowed pipelines only (the
 * caller has the buckets from `Query.windowBuckets` or `Query.rangeBuckets`, which check that).
 *
 * @example
 * const buckets = yield* Query.windowBuckets(pageViews, "6 hours")
 * const points = yield* bucketSeries(pageViews, "/pricing", buckets)
 */
export const bucketSeries = (
  target: AnyQueryTarget,
  key: string,
  buckets: BucketRange
): Effect.Effect<ReadonlyArray<BucketValue<unknown>>, InvalidKey | RangeTooLarge | StoreError, Store> =>
  Effect.gen(function*() {
    const problem = keyProblem(key)
    if (problem !== undefined) return yield* new InvalidKey({ key: key.slice(0, 64), message: problem })
    const count = buckets.hi - buckets.lo + 1
    const limits = yield* QueryLimits
    if (count > limits.maxBuckets) {
      return yield* new RangeTooLarge({
        pipeline: target.name,
        buckets: count,
        rows: count,
        message: `pipeline "${target.name}": a series of ${count} buckets is over the limit of ${limits.maxBuckets} (see QueryLimits)`
      })
    }
    const store = yield* Store
    const rows = yield* store.getRange(target.store, target.monoid, key, buckets)
    const byBucket = new Map(rows.map((row) => [row.bucket, row.value]))
    // Only windowed pipelines reach here (see above), so the window is set.
    const window = target.window!
    return Array.from({ length: Math.max(0, count) }, (_, i) => ({
      startMs: bucketStart(window, buckets.lo + i),
      value: byBucket.has(buckets.lo + i) ? byBucket.get(buckets.lo + i) : target.monoid.empty
    }))
  })
