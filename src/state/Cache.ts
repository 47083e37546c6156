import { Context, type Effect, type Option } from "effect"
import type { StoreError } from "../errors.js"
import type { Monoid } from "../monoid/Monoid.js"
import type { RowKey } from "./RowKey.js"

/**
 * A read-through accelerator beside the Store. Never authoritative: the processor records its
 * failures and never fails a merge because of it.
 */
export interface CacheService {
  readonly get: <V>(table: string, monoid: Monoid<V>, key: RowKey) => Effect.Effect<Option.Option<V>, StoreError>
  readonly getMany: <V>(
    table: string,
    monoid: Monoid<V>,
    keys: ReadonlyArray<RowKey>
  ) => Effect.Effect<ReadonlyArray<Option.Option<V>>, StoreError>
  /** Combines `delta` into the cached value; `ttl` in epoch seconds. */
  readonly merge: <V>(
    table: string,
    monoid: Monoid<V>,
    key: RowKey,
    delta: V,
    ttl: number | undefined
  ) => Effect.Effect<void, StoreError>
}

export class Cache extends Context.Tag("murmur/Cache")<Cache, CacheService>() {}
