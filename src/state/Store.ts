import { Context, type Effect, type Option } from "effect"
import type { StoreError } from "../errors.js"
import type { Monoid } from "../monoid/Monoid.js"
import type { CommitOutcome, CommitRequest } from "./Commit.js"
import type { RowKey } from "./RowKey.js"

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
   * Atomically applies the contributions not applied before, per the request's strategy. Safe to
   * repeat: a retry after an unknown outcome applies nothing twice (except `AtLeastOnce`).
   */
  readonly commit: <V>(request: CommitRequest<V>) => Effect.Effect<CommitOutcome<V>, StoreError>
}

export class Store extends Context.Tag("murmur/Store")<Store, StoreService>() {}
