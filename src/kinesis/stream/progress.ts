import * as Effect from "effect/Effect"
import * as SubscriptionRef from "effect/SubscriptionRef"
/** One shard as the consumer last saw it. */
export interface ShardProgress {
  /** Records committed (decode failures included: they are skipped for good). */
  readonly recordsProcessed: number
  /** Last sequence number committed and checkpointed. */
  readonly lastSequence: string | undefined
  readonly millisBehindLatest: number | undefined
  /** Read to its end and checkpointed as finished. */
  readonly finished: boolean
  /** Epoch ms of the last checkpoint write. */
  readonly lastCheckpointAt: number | undefined
}

/** Per-shard progress of a running consumer, keyed by shard id. */
export interface ConsumerProgress {
  readonly shards: Readonly<Record<string, ShardProgress>>
}

const emptyShard: ShardProgress = {
  recordsProcessed: 0,
  lastSequence: undefined,
  millisBehindLatest: undefined,
  finished: false,
  lastCheckpointAt: undefined
}

/**
 * A progress cell to pass as `progress` in the consumer config; subscribe to its `changes` to
 * display it.
 *
 * @example
 * const progress = yield* makeProgress
 * yield* Stream.runForEach(progress.changes, (p) => Console.log(p.shards))
 */
export const makeProgress: Effect.Effect<SubscriptionRef.SubscriptionRef<ConsumerProgress>> = SubscriptionRef.make<ConsumerProgress>({
  shards: {}
})

/**
 * Applies `update` to one shard's entry (creating it empty first); no-op without a cell.
 *
 * @example
 * yield* updateShardProgress(progress, shardId, (shard) => ({ ...shard, finished: true }))
 */
export const updateShardProgress = (
  progress: SubscriptionRef.SubscriptionRef<ConsumerProgress> | undefined,
  shardId: string,
  update: (shard: ShardProgress) => ShardProgress
): Effect.Effect<void> =>
  progress === undefined
    ? Effect.void
    : SubscriptionRef.update(progress, (current) => ({
      shards: { ...current.shards, [shardId]: update(current.shards[shardId] ?? emptyShard) }
    }))
