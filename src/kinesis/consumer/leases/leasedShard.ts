import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import type { Pipeline } from "../../../pipeline/Pipeline.js"
import type { Decoder } from "../../../processor/types.js"
import { fullJitterBackoff } from "../../../retry/index.js"
import { Checkpoints } from "../../../state/Checkpoints.js"
import { type Lease, type LeaseLost, type LeaseRow, Leases } from "../../../state/Leases.js"
import { afterSequence, type ShardPosition } from "../../stream/position.js"
import type { ShardInfo } from "../../stream/shards.js"
import type { ResolvedConsumerConfig } from "../config.js"
import { readShard } from "../readShard.js"
import { firstPosition } from "../runConsumer.js"
import { leasedCheckpoints } from "./leasedCheckpoints.js"

/** How a leased shard's reading ended (interruption aside). */
export type ShardEnd =
  | { readonly _tag: "Finished" }
  | { readonly _tag: "Lost"; readonly lost: LeaseLost }

/**
 * Where a newly leased shard starts: after its checkpoint; else, as `runConsumer` decides, at the
 * start of a child whose parent was read, or at the configured position; `undefined` for a closed
 * shard under `LATEST` (nothing can follow "latest" in it: it is marked finished unread).
 */
export const leasedStart = (
  config: ResolvedConsumerConfig,
  shard: ShardInfo,
  rows: ReadonlyArray<LeaseRow>
): ShardPosition | undefined => {
  const own = rows.find((row) => row.shardId === shard.shardId)
  if (own?.sequence !== undefined) return afterSequence(own.sequence)
  const parentRead = shard.parents.some((parent) => rows.some((row) => row.shardId === parent && row.finished))
  const start = firstPosition(config, shard, parentRead)
  return start._tag === "Latest" && shard.closed ? undefined : start
}

/**
 * Reads a shard under `lease` from `start` until it is read to its end (checkpointed as finished)
 * or a checkpoint finds the lease taken; then the reading stops at once (after the batch in
 * flight, which commits with its checkpoint attempt or not at all, see `commitBatch`).
 *
 * @example
 * const end = yield* readLeasedShard(pipeline, decoder, config, lease, shard, trimHorizon)
 * // { _tag: "Finished" } | { _tag: "Lost", lost }
 */
export const readLeasedShard = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  config: ResolvedConsumerConfig,
  lease: Lease,
  shard: ShardInfo,
  start: ShardPosition | undefined
) =>
  Effect.gen(function*() {
    const leases = yield* Leases
    const stop = yield* Deferred.make<LeaseLost>()
    const emit = config.onShardEvent ?? (() => Effect.void)
    const lost = Deferred.await(stop).pipe(Effect.map((lost): ShardEnd => ({ _tag: "Lost", lost })))
    const read = start === undefined
      ? leases.checkpoint(lease, undefined, true).pipe(
        Effect.catchTag("LeaseLost", (error) => Effect.zipRight(Deferred.succeed(stop, error), Effect.never)),
        // Marking a shard finished with no sequence cannot be stale; a failing store is retried.
        Effect.retry(fullJitterBackoff(config.retry)),
        Effect.orDie
      )
      : Effect.zipRight(
        emit({ _tag: "ShardStarted", shardId: shard.shardId, parents: shard.parents }),
        readShard(pipeline, decoder, config, shard.shardId, start).pipe(
          Effect.provideService(Checkpoints, leasedCheckpoints(leases, lease, (error) => Deferred.succeed(stop, error))),
          // Stopped at a dead letter (deadLetter: "stop"): keep the lease, so no other worker reads
          // past it either, until it is lost or released at shutdown.
          Effect.flatMap((end) => (end === "Stopped" ? Effect.never : Effect.void))
        )
      )
    const end = yield* Effect.raceFirst(Effect.as(read, { _tag: "Finished" } as const), lost)
    if (end._tag === "Finished" && start !== undefined) yield* emit({ _tag: "ShardFinished", shardId: shard.shardId })
    return end
  })
