import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { StoreError } from "../errors.js"
import type { Monoid } from "../monoid/Monoid.js"
import type { BucketRange } from "../window/Window.js"
import type { CommitOutcome, CommitRequest } from "./Commit.js"
import type { RowKey } from "./RowKey.js"

/** One existing row of a range read. */
export interface BucketRow<V> {
  readonly bucket: number
  readonly value: V
  /** The row's expiry in epoch seconds, if it has one (caches expire their copies no later). */
  readonly ttl: number | undefined
}

/** The authoritative aggregate store (DynamoDB in production, a Map in tests). */
export interface StoreService {
  /** A row's value; `None` when the row is absent (not the identity). */
  readonly get: <V>(table: string, monoid: Monoid<V>, key: RowKey) => Effect.Effect<Option.Option<V>, StoreError>
  /** Values in input order, `None` for absent rows. */
  readonly getMany: <V>(
    table: string,
    monoid: Monoid<V>,
    keys: ReadonlyArray<RowKey>
  ) => Effect.Effect<ReadonlyArray<Option.Option<V>>, StoreError>
  /**
   * The rows of one entity that exist in `range` (both ends included), in ascending bucket order:
   * absent and expired rows are left out. DynamoDB answers it with one paginated `Query`, so it
   * costs what comes back, not what was asked for.
   *
   * @example
   * const rows = yield* store.getRange("aggregates", count, "/pricing", { lo: 480_000, hi: 480_167 })
   * // [{ bucket: 480_003, value: 12, ttl: 1_730_000_000 }, ...]
   */
  readonly getRange: <V>(
    table: string,
    monoid: Monoid<V>,
    entity: string,
    range: BucketRange
  ) => Effect.Effect<ReadonlyArray<BucketRow<V>>, StoreError>
  /**
   * Atomically applies the contributions not applied before, per the request's strategy. Safe to
   * repeat: a retry after an unknown outcome applies nothing twice (except `AtLeastOnce`).
   */
  readonly commit: <V>(request: CommitRequest<V>) => Effect.Effect<CommitOutcome<V>, StoreError>
}

export class Store extends Context.Tag("murmur/Store")<Store, StoreService>() {}
