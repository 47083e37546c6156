import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { StoreError } from "../errors.js"
import type { Monoid } from "../monoid/Monoid.js"
import type { Block, FoldedBlock } from "./blocks.js"
import type { RowKey } from "./RowKey.js"

/** The blocks of one entity a read wants. */
export interface EntityBlocks {
  readonly entity: string
  readonly blocks: ReadonlyArray<Block>
}

/** How queries use the cache (see docs/cache.md). */
export interface CachePolicy {
  /** A bucket is served from the cache once its end is this far in the past (late events still land before). */
  readonly graceMs: number
  /** The longest a cached block is kept: the bound on how long a lost merge can leave an answer wrong. */
  readonly ttlMs: number
}

/** The default policy: five minutes of grace, one hour of cache life. */
export const defaultCachePolicy: CachePolicy = { graceMs: 5 * 60_000, ttlMs: 60 * 60_000 }

/**
 * A read-through accelerator beside the Store, holding folded blocks of closed buckets (see
 * `blocks.ts`). Never authoritative: the processor records merge failures and never fails a record
 * because of one, and a query that cannot read it reads the Store instead.
 *
 * @example
 * const cache = yield* Cache
 * const [blocks] = yield* cache.getBlocks("aggregates", count, [{ entity: "/pricing", blocks: coverRange(range) }])
 */
export interface CacheService {
  readonly policy: CachePolicy
  /** For each entity, its blocks' values in the order asked, `None` where not cached (or expired). */
  readonly getBlocks: <V>(
    table: string,
    monoid: Monoid<V>,
    wanted: ReadonlyArray<EntityBlocks>
  ) => Effect.Effect<ReadonlyArray<ReadonlyArray<Option.Option<V>>>, StoreError>
  /** Stores folded blocks of one entity, each until its `expiresAtMs`. */
  readonly putBlocks: <V>(
    table: string,
    monoid: Monoid<V>,
    entity: string,
    blocks: ReadonlyArray<FoldedBlock<V>>
  ) => Effect.Effect<void, StoreError>
  /**
   * Combines a committed `delta` into every cached block holding `key`'s bucket (blocks not
   * cached stay so); `ttl` (epoch seconds) is the row's, which no block outlives.
   */
  readonly merge: <V>(
    table: string,
    monoid: Monoid<V>,
    key: RowKey,
    delta: V,
    ttl: number | undefined
  ) => Effect.Effect<void, StoreError>
}

export class Cache extends Context.Tag("murmur/Cache")<Cache, CacheService>() {}
