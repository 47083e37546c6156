/**
 * The in-memory Cache: a Map beside the store, never authoritative. Faults can be injected into
 * its merges to check that a cache failure never fails a record.
 */
import { Effect, Layer, Option } from "effect"
import type { Monoid } from "../../monoid/Monoid.js"
import { Cache, type CacheService } from "../Cache.js"
import { type RowKey, rowKeyId } from "../RowKey.js"
import { faultError, FaultPlan } from "./faults.js"

interface CachedRow {
  value: unknown
  ttl: number | undefined
}

/** The arguments of one cache merge, as the fault hook sees them. */
export interface CacheMergeCall {
  readonly table: string
  readonly key: RowKey
  readonly delta: unknown
}

/** Test instrumentation of a memory cache. */
export interface MemoryCacheControl {
  readonly mergeCalls: () => number
  readonly mergeFaults: FaultPlan<CacheMergeCall>
}

/** A memory cache and its instrumentation. */
export interface MemoryCache {
  readonly service: CacheService
  readonly control: MemoryCacheControl
}

/**
 * Makes a memory cache.
 *
 * @example
 * const { service, control } = MemoryCache.make()
 * control.mergeFaults.setHook(() => ({ phase: "before" }))
 */
export const make = (): MemoryCache => {
  const tables = new Map<string, Map<string, CachedRow>>()
  const mergeFaults = new FaultPlan<CacheMergeCall>()
  let mergeCalls = 0

  const read = <V>(table: string, key: RowKey, nowMs: number): Option.Option<V> => {
    const row = tables.get(table)?.get(rowKeyId(key))
    return row === undefined || (row.ttl !== undefined && row.ttl * 1000 < nowMs)
      ? Option.none()
      : Option.some(row.value as V)
  }

  const service: CacheService = {
    get: <V>(table: string, _monoid: Monoid<V>, key: RowKey) =>
      Effect.clockWith((clock) => Effect.sync(() => read<V>(table, key, clock.unsafeCurrentTimeMillis()))),
    getMany: <V>(table: string, _monoid: Monoid<V>, keys: ReadonlyArray<RowKey>) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          const nowMs = clock.unsafeCurrentTimeMillis()
          return keys.map((key) => read<V>(table, key, nowMs))
        })
      ),
    merge: <V>(table: string, monoid: Monoid<V>, key: RowKey, delta: V, ttl: number | undefined) =>
      Effect.clockWith((clock) =>
        Effect.suspend(() => {
          const call = ++mergeCalls
          const fault = mergeFaults.faultFor(call, { table, key, delta })
          if (fault !== undefined && fault.phase === "before") return Effect.fail(faultError("cache.merge", call, fault))
          let rows = tables.get(table)
          if (rows === undefined) {
            rows = new Map()
            tables.set(table, rows)
          }
          const id = rowKeyId(key)
          const current = read<V>(table, key, clock.unsafeCurrentTimeMillis())
          rows.set(id, {
            value: Option.isSome(current) ? monoid.combine(current.value, delta) : delta,
            ttl: ttl ?? rows.get(id)?.ttl
          })
          return fault === undefined ? Effect.void : Effect.fail(faultError("cache.merge", call, fault))
        })
      )
  }
  return { service, control: { mergeCalls: () => mergeCalls, mergeFaults } }
}

/** A fresh memory Cache per layer build. */
export const layer: Layer.Layer<Cache> = Layer.sync(Cache, () => make().service)
