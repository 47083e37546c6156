import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type { StaleCheckpoint, StoreError } from "../errors.js"

/** Identity of a shard's checkpoint: application (consumer group), stream and shard. */
export interface CheckpointKey {
  readonly app: string
  readonly stream: string
  readonly shardId: string
}

/** The item stored per shard. `owner` and `leaseCounter` are reserved for multi-worker leases. */
export interface Checkpoint {
  /** Last sequence number whose deltas are committed; `undefined` before the first one. */
  readonly sequence: string | undefined
  /** The shard is closed and was read to its end. */
  readonly finished: boolean
  readonly owner: string | undefined
  readonly leaseCounter: number
  /** Epoch ms of the write. */
  readonly updatedAt: number
}

export interface CheckpointsService {
  readonly get: (key: CheckpointKey) => Effect.Effect<Option.Option<Checkpoint>, StoreError>
  /**
   * Moves the checkpoint forward to `sequence` (and marks the shard finished when asked). A write
   * that would move it backward fails with `StaleCheckpoint`; an equal one is a no-op.
   */
  readonly save: (
    key: CheckpointKey,
    sequence: string,
    options?: { readonly finished?: boolean; readonly owner?: string }
  ) => Effect.Effect<void, StoreError | StaleCheckpoint>
  /** Marks a shard finished without a new sequence (a closed shard with no records left). */
  readonly finish: (key: CheckpointKey) => Effect.Effect<void, StoreError>
}

export class Checkpoints extends Context.Tag("murmur/Checkpoints")<Checkpoints, CheckpointsService>() {}
