import type { RowTooLarge, StoreError } from "../errors.js"
import type { Monoid } from "../monoid/Monoid.js"
import type { RowKey } from "./RowKey.js"

/** One record's delta to one row, with its provenance. */
export interface Contribution<V> {
  readonly eventId: string
  /** Kinesis sequence number (fenced strategy); contributions are then in ascending order. */
  readonly sequence: string | undefined
  readonly value: V
}

/**
 * How a commit proves it applies each delta once:
 * - `Fenced`: a per-shard high-water mark on the row (in-order sources only);
 * - `Claims`: a dedup row per (pipeline, event, row) committed atomically with the delta;
 * - `AtLeastOnce`: none.
 */
export type CommitStrategy =
  | { readonly _tag: "Fenced"; readonly shardId: string }
  | { readonly _tag: "Claims"; readonly claimTtlSeconds: number }
  | { readonly _tag: "AtLeastOnce" }

/** A (possibly coalesced) delta for one row: the unit of one store write. */
export interface CommitRequest<V> {
  readonly pipeline: string
  readonly table: string
  readonly monoid: Monoid<V>
  readonly key: RowKey
  /** Expiry of the row in epoch seconds, when its window has a retention. */
  readonly ttl: number | undefined
  readonly strategy: CommitStrategy
  /** At least one; the store combines the ones it has not applied yet. */
  readonly contributions: ReadonlyArray<Contribution<V>>
}

/** A contribution a store refused for good: it would grow the row past its budget, or combining it threw. */
export interface Refusal {
  readonly eventId: string
  readonly error: RowTooLarge | StoreError
}

/**
 * What a commit did. Every contribution is applied now, was applied before, or (compare-and-swap
 * rows only) was refused or held back, and then it is neither applied nor claimed.
 */
export interface CommitOutcome<V> {
  /** The combined delta applied now (identity when nothing was new). */
  readonly applied: V
  /** Event ids of the contributions found already applied (fence at or above, or claimed). */
  readonly alreadyApplied: ReadonlyArray<string>
  /** Contributions refused for good, with why (absent: none). */
  readonly refused?: ReadonlyArray<Refusal>
  /**
   * Fenced only: event ids after the first refused contribution, not applied, so the row's mark
   * stays below them and a redelivery can still apply them (absent: none).
   */
  readonly held?: ReadonlyArray<string>
}

/** Dedup claims are namespaced by pipeline, and by row, so a multi-key record's keys commit independently. */
export const claimId = (pipeline: string, eventId: string, key: RowKey): string =>
  `${pipeline}#${eventId}#${key.bucket}#${key.entity}`
