/**
 * The in-memory Cache: folded blocks in a Map beside the store, never authoritative. Faults can be
 * injected into its merges to check that a cache failure never fails a record.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { Monoid } from "../../monoid/Monoid.js"
import { type Block, blocksContaining, type FoldedBlock, mergesInto } from "../blocks.js"
import { Cache, type CachePolicy, type CacheService, defaultCachePolicy, type EntityBlocks } from "../Cache.js"
import type { RowKey } from "../RowKey.js"
import { isExpiredAt } from "../ttl.js"
import { faultError, FaultPlan } from "./faults.js"

interface CachedBlock {
  value: unknown
  expiresAtMs: number
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
  /** `getBlocks` calls so far. */
  readonly readCalls: () => number
  /** Blocks held now, expired ones included. */
  readonly size: () => number
}

/** A memory cache and its instrumentation. */
export interface MemoryCache {
  readonly service: CacheService
  readonly control: MemoryCacheControl
}

const blockId = (table: string, entity: string, { index, level }: Block): string =>
  `${table.length}:${table}:${level}:${index}:${entity}`

/**
 * Makes a memory cache.
 *
 * @example
 * const { service, control } = MemoryCache.make()
 * control.mergeFaults.setHook(() => ({ phase: "before" }))
 */
export const make = (policy: CachePolicy = defaultCachePolicy): MemoryCache => {
  const blocks = new Map<string, CachedBlock>()
  const mergeFaults = new FaultPlan<CacheMergeCall>()
  let mergeCalls = 0
  let readCalls = 0

  const live = (id: string, nowMs: number): CachedBlock | undefined => {
    const cached = blocks.get(id)
    if (cached === undefined || cached.expiresAtMs < nowMs) return undefined
    return cached
  }

  const service: CacheService = {
    policy,
    getBlocks: <V>(table: string, _monoid: Monoid<V>, wanted: ReadonlyArray<EntityBlocks>) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          readCalls++
          const nowMs = clock.unsafeCurrentTimeMillis()
          return wanted.map(({ blocks: asked, entity }) =>
            asked.map((block) => {
              const cached = live(blockId(table, entity, block), nowMs)
              return cached === undefined ? Option.none() : Option.some(cached.value as V)
            })
          )
        })
      ),
    putBlocks: <V>(table: string, _monoid: Monoid<V>, entity: string, folded: ReadonlyArray<FoldedBlock<V>>) =>
      Effect.sync(() => {
        for (const { block, expiresAtMs, value } of folded) blocks.set(blockId(table, entity, block), { value, expiresAtMs })
      }),
    merge: <V>(table: string, monoid: Monoid<V>, key: RowKey, delta: V, ttl: number | undefined) =>
      Effect.clockWith((clock) =>
        Effect.suspend(() => {
          const call = ++mergeCalls
          const fault = mergeFaults.faultFor(call, { table, key, delta })
          if (fault !== undefined && fault.phase === "before") return Effect.fail(faultError("cache.merge", call, fault))
          const nowMs = clock.unsafeCurrentTimeMillis()
          // A row already expired stays invisible to reads: nothing to merge.
          if (!isExpiredAt(ttl, nowMs)) {
            for (const block of blocksContaining(key.bucket)) {
              const id = blockId(table, key.entity, block)
              const cached = live(id, nowMs)
              if (cached === undefined) continue
              if (!mergesInto(monoid, block)) {
                blocks.delete(id)
                continue
              }
              cached.value = monoid.combine(cached.value as V, delta)
              if (ttl !== undefined && ttl > 0) cached.expiresAtMs = Math.min(cached.expiresAtMs, ttl * 1000)
            }
          }
          return fault === undefined ? Effect.void : Effect.fail(faultError("cache.merge", call, fault))
        })
      )
  }
  return {
    service,
    control: { mergeCalls: () => mergeCalls, mergeFaults, readCalls: () => readCalls, size: () => blocks.size }
  }
}

/** A fresh memory Cache per layer build. */
export const layer: Layer.Layer<Cache> = Layer.sync(Cache, () => make().service)
