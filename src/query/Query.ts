/**
 * Reads aggregates back: all-time values, the last N of a window, and time ranges, for one key or
 * many. All-time values are one `Store.getMany`; windows and ranges are one `Store.getRange` per
 * key (through the cache when the pipeline has one, see `readRanges`). Rows fold per key with the
 * pipeline's monoid in ascending bucket order; a bucket with no row contributes the identity.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { InvalidKey, InvalidRange, NotWindowed, RangeTooLarge, type StoreError, WindowRequired } from "../errors.js"
import { keyProblem } from "../record/index.js"
import type { RowKey } from "../state/RowKey.js"
import { Store } from "../state/Store.js"
import { type BucketRange, lastN, range as bucketRange, type Window } from "../window/Window.js"
import { foldEntityMajor } from "./fold.js"
import { QueryLimits } from "./limits.js"
import { type RangeTarget, readRanges } from "./readRanges.js"

/** What a query needs of a pipeline; any `Pipeline` fits (its `cache` flag lets windows read through the Cache). */
export type QueryTarget<V> = RangeTarget<V>

/** One key's aggregate in a many-keys answer. */
export interface EntityValue<V> {
  readonly entity: string
  readonly value: V
}

/** An instant: epoch milliseconds or a `Date`. */
export type Instant = number | Date

/** Errors of the windowed queries besides the store's own. */
export type WindowQueryError = NotWindowed | InvalidRange | RangeTooLarge | InvalidKey | StoreError

// Checked before reading: the store would reject such a key with a less helpful error.
const checkEntities = (entities: ReadonlyArray<string>): Effect.Effect<void, InvalidKey> => {
  for (const entity of entities) {
    const problem = keyProblem(entity)
    if (problem !== undefined) return Effect.fail(new InvalidKey({ key: entity, message: problem }))
  }
  return Effect.void
}

type Folded<V> = Effect.Effect<ReadonlyArray<EntityValue<V>>, RangeTooLarge | StoreError, Store>

/**
 * Reads `entities` × `buckets` in one `getMany` and folds per entity. Duplicate entities are read
 * once (DynamoDB's BatchGetItem rejects repeated keys) and answered in input order.
 */
const readFolded = <V>(
  target: QueryTarget<V>,
  entities: ReadonlyArray<string>,
  buckets: BucketRange
): Effect.Effect<ReadonlyArray<EntityValue<V>>, RangeTooLarge | InvalidKey | StoreError, Store> =>
  Effect.flatMap(checkEntities(entities), (): Folded<V> => {
    if (entities.length === 0) return Effect.succeed([])
    const distinct = Array.from(new Set(entities))
    const bucketCount = buckets.hi - buckets.lo + 1
    return Effect.flatMap(QueryLimits, (limits): Folded<V> => {
      const rows = bucketCount * distinct.length
      if (!Number.isFinite(bucketCount) || bucketCount > limits.maxBuckets || rows > limits.maxRows) {
        return Effect.fail(
          new RangeTooLarge({
            pipeline: target.name,
            buckets: bucketCount,
            rows,
            message: `pipeline "${target.name}": the query spans ${bucketCount} buckets × ${distinct.length} keys; ` +
              `the limits are ${limits.maxBuckets} buckets and ${limits.maxRows} rows (see QueryLimits)`
          })
        )
      }
      const answer = (folded: ReadonlyArray<V>) => {
        const byEntity = new Map(distinct.map((entity, d) => [entity, folded[d] as V]))
        return entities.map((entity) => ({ entity, value: byEntity.get(entity) as V }))
      }
      if (bucketCount > 1) return Effect.map(readRanges(target, distinct, buckets), answer)
      // One bucket per key (all-time values): BatchGetItem asks for 100 keys per request at the
      // same read units a Query per key would cost, so it is the cheaper read (docs/dynamodb.md).
      const keys: Array<RowKey> = distinct.map((entity) => ({ entity, bucket: buckets.lo }))
      return Effect.flatMap(Store, (store) => store.getMany(target.store, target.monoid, keys)).pipe(
        Effect.map((found) => answer(foldEntityMajor(target.monoid, found, distinct.length, 1)))
      )
    })
  })

const allTime: BucketRange = { lo: 0, hi: 0 }

const requireAllTime = <V>(target: QueryTarget<V>): Effect.Effect<void, WindowRequired> =>
  target.window === undefined
    ? Effect.void
    : Effect.fail(
      new WindowRequired({
        pipeline: target.name,
        message: `pipeline "${target.name}" has ${target.window.granularity} buckets and no all-time value: ` +
          `query a window or a range`
      })
    )

const requireWindow = <V>(target: QueryTarget<V>): Effect.Effect<Window, NotWindowed> =>
  target.window !== undefined
    ? Effect.succeed(target.window)
    : Effect.fail(
      new NotWindowed({
        pipeline: target.name,
        message: `pipeline "${target.name}" has no time buckets: query its value instead`
      })
    )

const invalidRange = (pipeline: string, message: string) =>
  Effect.fail(new InvalidRange({ pipeline, message: `pipeline "${pipeline}": ${message}` }))

const toMillis = (instant: Instant): number => (typeof instant === "number" ? instant : instant.getTime())

/**
 * The buckets `window` reads: the current (partial) bucket and the ones before it,
 * ceil(duration / granularity) in all. `nowMs` defaults to the `Clock`.
 */
export const windowBuckets = <V>(
  target: QueryTarget<V>,
  duration: Duration.DurationInput,
  nowMs?: Instant
): Effect.Effect<BucketRange, NotWindowed | InvalidRange> =>
  Effect.flatMap(requireWindow(target), (window) =>
    Effect.flatMap(nowMs === undefined ? Clock.currentTimeMillis : Effect.succeed(toMillis(nowMs)), (now) => {
      const decoded = Duration.decodeUnknown(duration)
      if (decoded._tag === "None") return invalidRange(target.name, `"${String(duration)}" is not a duration`)
      const ms = Duration.toMillis(decoded.value)
      if (!(ms > 0)) return invalidRange(target.name, "a window needs a duration above zero")
      if (!Number.isFinite(now)) return invalidRange(target.name, "now is not a finite instant")
      return Effect.succeed(lastN(window, now, decoded.value))
    }))

/** The buckets `range` reads: from the one holding `start` to the one holding `end`, inclusive. */
export const rangeBuckets = <V>(
  target: QueryTarget<V>,
  start: Instant,
  end: Instant
): Effect.Effect<BucketRange, NotWindowed | InvalidRange> =>
  Effect.flatMap(requireWindow(target), (window) => {
    const startMs = toMillis(start)
    const endMs = toMillis(end)
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) return invalidRange(target.name, "start and end must be valid instants")
    if (endMs < startMs) return invalidRange(target.name, "end is before start")
    return Effect.succeed(bucketRange(window, startMs, endMs))
  })

const single = <V, E, R>(effect: Effect.Effect<ReadonlyArray<EntityValue<V>>, E, R>): Effect.Effect<V, E, R> =>
  Effect.map(effect, (results) => (results[0] as EntityValue<V>).value)

/**
 * All-time values of several keys in one read, in input order; a key never written has the identity.
 * Fails with `WindowRequired` for a windowed pipeline.
 */
export const values = <V>(
  target: QueryTarget<V>,
  entities: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<EntityValue<V>>, WindowRequired | InvalidKey | RangeTooLarge | StoreError, Store> =>
  Effect.flatMap(requireAllTime(target), () => readFolded(target, entities, allTime))

/**
 * The all-time value of one key (bucket 0); the identity when the key was never written.
 * Fails with `WindowRequired` for a windowed pipeline, which keeps no all-time row.
 *
 * @example
 * const views = yield* Query.value(pageViews, "/pricing") // 42
 */
export const value = <V>(
  target: QueryTarget<V>,
  entity: string
): Effect.Effect<V, WindowRequired | InvalidKey | RangeTooLarge | StoreError, Store> =>
  single(values(target, [entity]))

/** `window` for several keys in one read, in input order. */
export const windowMany = <V>(
  target: QueryTarget<V>,
  entities: ReadonlyArray<string>,
  duration: Duration.DurationInput,
  nowMs?: Instant
): Effect.Effect<ReadonlyArray<EntityValue<V>>, WindowQueryError, Store> =>
  Effect.flatMap(windowBuckets(target, duration, nowMs), (buckets) => readFolded(target, entities, buckets))

/**
 * One key's value over the last `duration`: the current, partial bucket plus the previous ones,
 * ceil(duration / granularity) buckets in all. With hourly buckets, "1 hour" at 10:20 is the
 * 10:00–10:20 bucket only, and "2 hours" adds 09:00–10:00. `nowMs` defaults to the `Clock`.
 *
 * @example
 * const lastDay = yield* Query.window(pageViews, "/pricing", "24 hours")
 */
export const window = <V>(
  target: QueryTarget<V>,
  entity: string,
  duration: Duration.DurationInput,
  nowMs?: Instant
): Effect.Effect<V, WindowQueryError, Store> => single(windowMany(target, [entity], duration, nowMs))

/** `range` for several keys in one read, in input order. */
export const rangeMany = <V>(
  target: QueryTarget<V>,
  entities: ReadonlyArray<string>,
  start: Instant,
  end: Instant
): Effect.Effect<ReadonlyArray<EntityValue<V>>, WindowQueryError, Store> =>
  Effect.flatMap(rangeBuckets(target, start, end), (buckets) => readFolded(target, entities, buckets))

/**
 * One key's value over every bucket from the one holding `start` to the one holding `end`, both
 * included (whole buckets: a range ending at 10:05 with hourly buckets includes 10:00–11:00).
 *
 * @example
 * const march = yield* Query.range(pageViews, "/pricing", new Date("2025-03-01"), new Date("2025-03-31T23:59:59Z"))
 */
export const range = <V>(
  target: QueryTarget<V>,
  entity: string,
  start: Instant,
  end: Instant
): Effect.Effect<V, WindowQueryError, Store> => single(rangeMany(target, [entity], start, end))
