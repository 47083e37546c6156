/**
 * Shard leases of polling workers that share a stream: who reads which shard, fenced by a counter.
 * A lease lives on the shard's checkpoint item (same key, same table), so a checkpoint written
 * through a lease is one conditional write that checks ownership and order together.
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { StaleCheckpoint, StoreError } from "../errors.js"
import type { CheckpointKey } from "./Checkpoints.js"

/**
 * A shard's lease-and-checkpoint row as listed: the lease part (`owner`, `counter`, `expiresAt`)
 * and the checkpoint part (`sequence`, `finished`), plus the shard's parents when known.
 */
export interface LeaseRow {
  readonly shardId: string
  /** Worker holding it; `undefined` once released (or never taken). */
  readonly owner: string | undefined
  /** Raised on every take; renewals and checkpoints are conditional on it. 0 when never taken. */
  readonly counter: number
  /** Epoch ms after which another worker may take it; `undefined` when unowned. */
  readonly expiresAt: number | undefined
  readonly sequence: string | undefined
  readonly finished: boolean
  readonly parents: ReadonlyArray<string>
}

/** A lease this worker holds: the counter it took it with fences every later write. */
export interface Lease {
  readonly key: CheckpointKey
  readonly owner: string
  readonly counter: number
  readonly expiresAt: number
}

/** What a take expects to find: the row as listed, or nothing when no row existed. */
export interface TakeRequest {
  readonly key: CheckpointKey
  readonly owner: string
  readonly observed: LeaseRow | undefined
  readonly expiresAt: number
  /** Lineage recorded on the row (ListShards' parent and adjacent parent). */
  readonly parents: ReadonlyArray<string>
}

/**
 * A lease write found the lease taken (another owner or a higher counter): the writer no longer
 * holds the shard and must stop reading it.
 */
export class LeaseLost extends Data.TaggedError("LeaseLost")<{
  readonly shardId: string
  readonly owner: string
  /** Who holds it now, when the failed write returned the row. */
  readonly holder: string | undefined
  readonly message: string
}> {}

export interface LeasesService {
  /** Every lease row of one (app, stream), consistently read. */
  readonly list: (app: string, stream: string) => Effect.Effect<ReadonlyArray<LeaseRow>, StoreError>
  /**
   * Takes a lease if its row is still exactly as `observed` (owner, counter, expiry), raising the
   * counter; `None` when another worker changed it first.
   */
  readonly take: (request: TakeRequest) => Effect.Effect<Option.Option<Lease>, StoreError>
  /** Moves the expiry of a held lease; `LeaseLost` when it was taken. */
  readonly renew: (lease: Lease, expiresAt: number) => Effect.Effect<Lease, LeaseLost | StoreError>
  /** Gives a held lease up (no owner, counter kept), so any worker may take it at once. */
  readonly release: (lease: Lease) => Effect.Effect<void, LeaseLost | StoreError>
  /**
   * Moves the checkpoint forward under a held lease (`sequence` absent: only `finished`). Fails
   * with `LeaseLost` when the lease was taken, `StaleCheckpoint` when it would move backward.
   */
  readonly checkpoint: (
    lease: Lease,
    sequence: string | undefined,
    finished: boolean
  ) => Effect.Effect<void, LeaseLost | StaleCheckpoint | StoreError>
}

/**
 * The lease table of a group of workers: `DynamoLeases.layer(table)` (the checkpoints table) or
 * `MemoryLeases.layer` (tests, one process).
 *
 * @example
 * const rows = yield* Effect.flatMap(Leases, (leases) => leases.list("page-views", "clicks"))
 */
export class Leases extends Context.Tag("murmur/Leases")<Leases, LeasesService>() {}
