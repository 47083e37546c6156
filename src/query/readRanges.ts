/**
 * Window and range reads of many keys: one `Store.getRange` per key (bounded concurrency) and,
 * when the pipeline caches and a `Cache` is provided, a read-through of its closed buckets.
 *
 * Read-through, per key: the closed part of the range (buckets whose end is `graceMs` past) is
 * split into aligned blocks (`coverRange`) asked of the cache in one round trip for all keys;
 * each run of blocks the cache lacks is read from the store with one `getRange`, folded into blocks
 * and written back; the open part (the current bucket and those still in their grace) always comes
 * from the store. A cache that fails is a metric (`<pipeline>:cache_fallback`), never an error:
 * the whole read then goes to the store.
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { StoreError } from "../errors.js"
import { Metrics } from "../metrics/Metrics.js"
import type { Monoid } from "../monoid/Monoid.js"
import { type Block, blockRange, coverRange, foldBlocks } from "../state/blocks.js"
import { Cache, type CacheService } from "../state/Cache.js"
import { Store, type StoreService } from "../state/Store.js"
import type { BucketRange, Window } from "../window/Window.js"
import { foldRows } from "./fold.js"
import { QueryReads } from "./reads.js"

/** What a range read needs of a pipeline. */
export interface RangeTarget<V> {
  readonly name: string
  readonly monoid: Monoid<V>
  readonly window: Window | undefined
  readonly store: string
  /** Whether the pipeline merges its commits into the cache, so queries may read through it. */
  readonly cache?: boolean | undefined
}

const recordFailure = (pipeline: string, counter: string, cause: Cause.Cause<unknown>) =>
  Effect.flatMap(Effect.serviceOption(Metrics), (metrics) =>
    Option.match(metrics, {
      onNone: () => Effect.void,
      onSome: (m) =>
        Effect.zipRight(m.increment(`${pipeline}:${counter}`), m.error(`${pipeline}:cache`, Cause.squash(cause)))
    }))

/** Never fails: a cache error is recorded and becomes `None`. Interruption still interrupts. */
const tolerate = <A>(pipeline: string, counter: string, effect: Effect.Effect<A, StoreError>) =>
  effect.pipe(
    Effect.map(Option.some),
    Effect.catchAllCause((cause) =>
      Cause.isInterruptedOnly(cause)
        ? Effect.failCause(cause as Cause.Cause<never>)
        : Effect.as(recordFailure(pipeline, counter, cause), Option.none<A>())
    )
  )

/** The last bucket served from the cache at `nowMs`: its end plus the grace is past. */
export const lastClosedBucket = (window: Window, graceMs: number, nowMs: number): number =>
  Math.floor((nowMs - graceMs) / window.granularityMs) - 1

// Runs of consecutive blocks the cache lacked, as [first, last] indices into the cover.
const missingRuns = <V>(found: ReadonlyArray<Option.Option<V>>): Array<readonly [number, number]> => {
  const runs: Array<readonly [number, number]> = []
  for (let i = 0; i < found.length; i++) {
    if (Option.isSome(found[i]!)) continue
    let j = i
    while (j + 1 < found.length && Option.isNone(found[j + 1]!)) j++
    runs.push([i, j])
    i = j
  }
  return runs
}

interface EntityRead<V> {
  readonly store: StoreService
  readonly cache: CacheService
  readonly target: RangeTarget<V>
  readonly entity: string
  readonly cover: ReadonlyArray<Block>
  readonly nowMs: number
}

/** One key's closed part: its cached blocks, and each run of missing ones from the store (written back). */
const readClosed = <V>(read: EntityRead<V>, found: ReadonlyArray<Option.Option<V>>): Effect.Effect<V, StoreError> => {
  const { cache, cover, entity, nowMs, store, target } = read
  const { monoid } = target
  const values: Array<Option.Option<V>> = [...found]
  const reads = missingRuns(found).map(([first, last]) => {
    const span = { lo: blockRange(cover[first]!).lo, hi: blockRange(cover[last]!).hi }
    return Effect.flatMap(store.getRange(target.store, monoid, entity, span), (rows) => {
      const folded = foldBlocks(monoid, span, rows, nowMs + cache.policy.ttlMs)
      const byBlock = new Map(folded.map((f) => [`${f.block.level}:${f.block.index}`, f.value]))
      for (let i = first; i <= last; i++) values[i] = Option.some(byBlock.get(`${cover[i]!.level}:${cover[i]!.index}`)!)
      return tolerate(target.name, "cache_write_failed", cache.putBlocks(target.store, monoid, entity, folded))
    })
  })
  return Effect.all(reads, { concurrency: "unbounded", discard: true }).pipe(
    Effect.map(() => {
      let acc = monoid.empty
      for (const value of values) acc = monoid.combine(acc, Option.getOrThrow(value))
      return acc
    })
  )
}

/**
 * Each entity's value over `range` from the store alone: one `getRange` per key, or, for a single
 * bucket (the open part of a cached read, usually), one `getMany` for all keys, which DynamoDB
 * answers with a BatchGetItem of 100 keys per request at the same read units.
 */
const direct = <V>(
  store: StoreService,
  target: RangeTarget<V>,
  entities: ReadonlyArray<string>,
  range: BucketRange,
  concurrency: number
): Effect.Effect<ReadonlyArray<V>, StoreError> => {
  const { monoid } = target
  if (range.hi < range.lo) return Effect.succeed(entities.map(() => monoid.empty))
  if (range.hi === range.lo) {
    return Effect.map(
      store.getMany(target.store, monoid, entities.map((entity) => ({ entity, bucket: range.lo }))),
      (found) => found.map((value) => Option.getOrElse(value, () => monoid.empty))
    )
  }
  return Effect.forEach(
    entities,
    (entity) => Effect.map(store.getRange(target.store, monoid, entity, range), (rows) => foldRows(monoid, rows)),
    { concurrency }
  )
}

/**
 * Each entity's value over `range` (distinct entities; answers in the same order): the store's
 * rows folded in ascending bucket order, through the cache where the target allows it.
 *
 * @example
 * const [pricing, home] = yield* readRanges(pageViews, ["/pricing", "/"], { lo: 480_000, hi: 480_167 })
 */
export const readRanges = <V>(
  target: RangeTarget<V>,
  entities: ReadonlyArray<string>,
  range: BucketRange
): Effect.Effect<ReadonlyArray<V>, StoreError, Store> =>
  Effect.all([Store, QueryReads, Effect.serviceOption(Cache), Clock.currentTimeMillis]).pipe(
    Effect.flatMap(([store, { concurrency }, cacheOption, nowMs]) => {
      const window = target.window
      if (Option.isNone(cacheOption) || target.cache !== true || window === undefined) {
        return direct(store, target, entities, range, concurrency)
      }
      const cache = cacheOption.value
      const closedHi = Math.min(range.hi, lastClosedBucket(window, cache.policy.graceMs, nowMs))
      if (closedHi < range.lo) return direct(store, target, entities, range, concurrency)
      const cover = coverRange({ lo: range.lo, hi: closedHi })
      const open = { lo: closedHi + 1, hi: range.hi }
      const wanted = entities.map((entity) => ({ entity, blocks: cover }))
      const closed = Effect.flatMap(
        tolerate(target.name, "cache_fallback", cache.getBlocks(target.store, target.monoid, wanted)),
        Option.match({
          onNone: () => direct(store, target, entities, { lo: range.lo, hi: closedHi }, concurrency),
          onSome: (found) => {
            // Keys found whole in the cache fold here and now; only the others read the store.
            const values: Array<V> = new Array(entities.length)
            const partial: Array<number> = []
            for (let e = 0; e < entities.length; e++) {
              const blocks = found[e]!
              let acc = target.monoid.empty
              for (const block of blocks) {
                if (Option.isNone(block)) {
                  partial.push(e)
                  break
                }
                acc = target.monoid.combine(acc, block.value)
              }
              values[e] = acc
            }
            if (partial.length === 0) return Effect.succeed(values)
            return Effect.as(
              Effect.forEach(partial, (e) =>
                Effect.map(readClosed({ store, cache, target, entity: entities[e]!, cover, nowMs }, found[e]!), (value) => {
                  values[e] = value
                }), { concurrency, discard: true }),
              values
            )
          }
        })
      )
      return Effect.map(
        Effect.all([closed, direct(store, target, entities, open, concurrency)], { concurrency: 2 }),
        ([closedValues, openValues]) => closedValues.map((value, e) => target.monoid.combine(value, openValues[e]!))
      )
    })
  )
