import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { StaleCheckpoint } from "../../../errors.js"
import type { CheckpointsService } from "../../../state/Checkpoints.js"
import type { Lease, LeaseLost, LeasesService } from "../../../state/Leases.js"

/**
 * The `Checkpoints` a shard fiber uses while it holds `lease`: every write is conditional on the
 * lease (owner and counter), so a worker that lost the shard never moves its checkpoint. A lost
 * lease is reported to `onLost` (which stops the fiber) and answered as a `StaleCheckpoint`, which
 * the batch loop records and moves past; the batch's deltas are already applied exactly once by the
 * pipeline's fences or claims, and the new owner re-reads it from its own checkpoint.
 *
 * @example
 * readShard(...).pipe(Effect.provideService(Checkpoints, leasedCheckpoints(leases, lease, (lost) => Deferred.succeed(stop, lost))))
 */
export const leasedCheckpoints = (
  leases: LeasesService,
  lease: Lease,
  onLost: (lost: LeaseLost) => Effect.Effect<unknown>
): CheckpointsService => {
  const asStale = (sequence: string) => (lost: LeaseLost) =>
    Effect.zipRight(
      onLost(lost),
      Effect.fail(new StaleCheckpoint({ shardId: lost.shardId, attempted: sequence, message: lost.message }))
    )
  return {
    get: (key) =>
      Effect.map(leases.list(key.app, key.stream), (rows) =>
        Option.map(Option.fromNullable(rows.find((row) => row.shardId === key.shardId)), (row) => ({
          sequence: row.sequence,
          finished: row.finished,
          owner: row.owner,
          leaseCounter: row.counter,
          updatedAt: 0
        }))),
    save: (_, sequence, options) =>
      leases.checkpoint(lease, sequence, options?.finished === true).pipe(Effect.catchTag("LeaseLost", asStale(sequence))),
    finish: () => leases.checkpoint(lease, undefined, true).pipe(
      Effect.catchTags({ LeaseLost: onLost, StaleCheckpoint: () => Effect.void }),
      Effect.asVoid
    )
  }
}
