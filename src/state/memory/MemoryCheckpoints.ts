/**
 * In-memory shard checkpoints that only move forward: a backward save fails with
 * `StaleCheckpoint`, an equal one changes nothing but the `finished` flag.
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { StaleCheckpoint } from "../../errors.js"
import { type Checkpoint, type CheckpointKey, Checkpoints, type CheckpointsService } from "../Checkpoints.js"
import { compareSequence } from "../../record/index.js"

const idOf = (key: CheckpointKey): string => `${key.app}\u0000${key.stream}\u0000${key.shardId}`

const initial: Omit<Checkpoint, "updatedAt"> = { sequence: undefined, finished: false, owner: undefined, leaseCounter: 0 }

/** A memory checkpoint service and direct access to its items (for tests). */
export interface MemoryCheckpoints {
  readonly service: CheckpointsService
  readonly items: ReadonlyMap<string, Checkpoint>
}

/**
 * Makes a memory checkpoint service.
 *
 * @example
 * const { service } = MemoryCheckpoints.make()
 * service.save({ app: "a", stream: "s", shardId: "shardId-0" }, "42")
 */
export const make = (): MemoryCheckpoints => {
  const items = new Map<string, Checkpoint>()
  const service: CheckpointsService = {
    get: (key) => Effect.sync(() => Option.fromNullable(items.get(idOf(key)))),
    save: (key, sequence, options) =>
      Effect.clockWith((clock) =>
        Effect.suspend(() => {
          const id = idOf(key)
          const current = items.get(id)
          const order = current?.sequence === undefined ? 1 : compareSequence(sequence, current.sequence)
          if (order < 0) {
            return Effect.fail(
              new StaleCheckpoint({
                shardId: key.shardId,
                attempted: sequence,
                message: `checkpoint of ${key.shardId} is at ${current?.sequence}, past ${sequence}`
              })
            )
          }
          const base = current ?? { ...initial, updatedAt: 0 }
          const finished = base.finished || options?.finished === true
          if (order === 0 && finished === base.finished) return Effect.void
          items.set(id, {
            ...base,
            sequence: order > 0 ? sequence : base.sequence,
            finished,
            owner: options?.owner ?? base.owner,
            updatedAt: clock.unsafeCurrentTimeMillis()
          })
          return Effect.void
        })
      ),
    finish: (key) =>
      Effect.clockWith((clock) =>
        Effect.sync(() => {
          const id = idOf(key)
          const base = items.get(id) ?? { ...initial, updatedAt: 0 }
          items.set(id, { ...base, finished: true, updatedAt: clock.unsafeCurrentTimeMillis() })
        })
      )
  }
  return { service, items }
}

/** A fresh memory Checkpoints per layer build. */
export const layer: Layer.Layer<Checkpoints> = Layer.sync(Checkpoints, () => make().service)
