import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import { Metrics } from "../../metrics/Metrics.js"

/** Per-shard gauges of the consumer; one meter per shard fiber. */
export interface ShardMeter {
  /** After each GetRecords response has been handled: `records` of it were committed. */
  readonly batch: (records: number, millisBehindLatest: number | undefined) => Effect.Effect<void>
  readonly checkpointed: Effect.Effect<void>
}

/** Records-per-second is averaged over windows of at least this length, so one batch is not a rate. */
const rateWindowMs = 1_000

/**
 * Gauges `<pipeline>:records_per_second:<shardId>`, `<pipeline>:millis_behind_latest:<shardId>` and
 * `<pipeline>:seconds_since_checkpoint:<shardId>` (time since this run's last checkpoint of the
 * shard, or since the shard started; it grows on an idle shard, which writes no checkpoints).
 */
export const makeShardMeter = (pipeline: string, shardId: string): Effect.Effect<ShardMeter, never, Metrics> =>
  Effect.gen(function*() {
    const metrics = yield* Metrics
    const startedAt = yield* Clock.currentTimeMillis
    let windowStart = startedAt
    let windowRecords = 0
    let lastCheckpointAt = startedAt
    return {
      batch: (records, millisBehindLatest) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          windowRecords += records
          const elapsed = now - windowStart
          if (elapsed >= rateWindowMs) {
            yield* metrics.gauge(`${pipeline}:records_per_second:${shardId}`, (windowRecords * 1000) / elapsed)
            windowStart = now
            windowRecords = 0
          }
          if (millisBehindLatest !== undefined) {
            yield* metrics.gauge(`${pipeline}:millis_behind_latest:${shardId}`, millisBehindLatest)
          }
          yield* metrics.gauge(`${pipeline}:seconds_since_checkpoint:${shardId}`, (now - lastCheckpointAt) / 1000)
        }),
      checkpointed: Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          lastCheckpointAt = now
        })
      )
    }
  })
