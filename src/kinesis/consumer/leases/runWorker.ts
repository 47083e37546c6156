import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type { KinesisError } from "../../../errors.js"
import { Metrics } from "../../../metrics/Metrics.js"
import type { Pipeline } from "../../../pipeline/Pipeline.js"
import type { Decoder } from "../../../processor/types.js"
import { retrySchedule } from "../../../retry/index.js"
import { type Lease, type LeaseRow, Leases } from "../../../state/Leases.js"
import { listShards, type ShardInfo } from "../../stream/shards.js"
import { type Candidate, isLive, planLeases } from "./balance.js"
import { type WorkerConfig, workerConfig } from "./config.js"
import type { LeaseEvent } from "./events.js"
import { leasedStart, readLeasedShard, type ShardEnd } from "./leasedShard.js"

/** A lease this worker holds and the fiber reading its shard. */
interface Held {
  lease: Lease
  readonly fiber: Fiber.RuntimeFiber<void>
}

/** A shard fiber's end, tagged with the lease it read under. */
interface Ended {
  readonly shardId: string
  readonly counter: number
  readonly exit: Exit.Exit<ShardEnd>
}

/**
 * Runs a pipeline as one of several workers sharing a stream, until interrupted. Each cycle
 * (every `leaseRenewMs`) it renews the leases it holds, reads the lease table, takes free leases
 * (new, released or expired) up to its fair share ceil(leasable shards / live workers), and steals
 * at most one lease from the most-loaded worker while that one holds two or more than it would.
 * Every leased shard is read in its own fiber as `runConsumer` reads it, with checkpoints
 * conditional on the lease; a shard whose lease is found taken (at a renewal or a checkpoint) stops
 * at once. A child shard is leased only once its parents are finished. A cycle also runs as soon
 * as a shard finishes and when another worker's lease is due to expire (failover within
 * `leaseDurationMs` of the last renewal).
 *
 * Interruption (SIGTERM through `NodeRuntime.runMain`) is a handoff: each shard fiber finishes or
 * abandons its batch atomically with its checkpoint, then every lease is released, so other workers
 * take them on their next cycle. With one worker, it reads every shard as `runConsumer` does.
 *
 * Metrics: gauge `<pipeline>:leases_held`; counters `<pipeline>:leases_taken`, `:leases_stolen`,
 * `:leases_lost`, `:leases_released`; latency op `lease_renew`; errors `<pipeline>:lease_list`,
 * `:lease_take:<shard>`, `:lease_renew:<shard>`, `:lease_release:<shard>`.
 *
 * @example
 * const live = Layer.mergeAll(DynamoLeases.layer("murmur-checkpoints"), KinesisApi.layer.pipe(Layer.provide(KinesisClient.layer())), layerNoop)
 *   .pipe(Layer.provideMerge(DynamoState.layer({ region: "eu-west-1", checkpointsTable: "murmur-checkpoints" })))
 * runWorker(pageViews, schemaDecoder(PageView), { app: "page-views", stream: "clicks", startingPosition: "TRIM_HORIZON" })
 *   .pipe(Effect.provide(live), NodeRuntime.runMain)
 */
export const runWorker = <E, V>(pipeline: Pipeline<E, V>, decoder: Decoder<E>, input: WorkerConfig) =>
  Effect.gen(function*() {
    const config = yield* workerConfig(input)
    const leases = yield* Leases
    const metrics = yield* Metrics
    const me = config.workerId
    const metric = (name: string) => `${pipeline.name}:${name}`
    const emit = (event: LeaseEvent) => config.onLeaseEvent?.(event) ?? Effect.void
    const held = new Map<string, Held>()
    const ended = yield* Queue.unbounded<Ended>()
    // A shard's end wakes the cycle at once (release, children), instead of at the next tick.
    const wake = yield* Queue.sliding<void>(1)

    const relist = listShards(config.stream).pipe(
      Effect.retry(retrySchedule({ ...config.kinesisBackoff, maxAttempts: config.retry.maxAttempts }))
    )
    let shards: ReadonlyArray<ShardInfo> = yield* relist
    let nextListAt = (yield* Clock.currentTimeMillis) + config.shardSyncIntervalMs
    let nextRenewAt = 0

    /** Drops a shard from `held` if it is still held under `counter`. */
    const forget = (shardId: string, counter: number): Held | undefined => {
      const entry = held.get(shardId)
      if (entry === undefined || entry.lease.counter !== counter) return undefined
      held.delete(shardId)
      return entry
    }

    const lose = (shardId: string, counter: number, holder: string | undefined) =>
      Effect.gen(function*() {
        const entry = forget(shardId, counter)
        if (entry === undefined) return
        // Stops reading now; the batch in flight ends (atomically) on its own, without holding up the cycle.
        yield* Fiber.interruptFork(entry.fiber)
        yield* metrics.increment(metric("leases_lost"))
        yield* emit({ _tag: "LeaseLost", workerId: me, shardId, holder })
      })

    const release = (lease: Lease, reason: "finished" | "shutdown") =>
      leases.release(lease).pipe(
        Effect.zipRight(metrics.increment(metric("leases_released"))),
        Effect.zipRight(emit({ _tag: "LeaseReleased", workerId: me, shardId: lease.key.shardId, reason })),
        Effect.catchAll((error) => metrics.error(metric(`lease_release:${lease.key.shardId}`), error))
      )

    const startShard = (lease: Lease, shard: ShardInfo, rows: ReadonlyArray<LeaseRow>) =>
      Effect.gen(function*() {
        const run = readLeasedShard(pipeline, decoder, config, lease, shard, leasedStart(config, shard, rows)).pipe(
          Effect.exit,
          Effect.flatMap((exit) => Queue.offer(ended, { shardId: shard.shardId, counter: lease.counter, exit })),
          Effect.zipRight(Queue.offer(wake, undefined)),
          Effect.asVoid
        )
        // Forked from an uninterruptible take: the fiber itself must stay interruptible.
        held.set(shard.shardId, { lease, fiber: yield* Effect.forkDaemon(Effect.interruptible(run)) })
      })

    /** Handles shards that stopped by themselves: finished ones are released, lost ones dropped. */
    const collectEnded = Effect.gen(function*() {
      let listAgain = false
      for (const { counter, exit, shardId } of yield* Queue.takeAll(ended)) {
        if (Exit.isFailure(exit)) {
          // A defect in a shard fiber stops the worker, as it stops `runConsumer`.
          if (!Cause.isInterruptedOnly(exit.cause) && forget(shardId, counter) !== undefined) {
            return yield* Effect.failCause(exit.cause)
          }
        } else if (exit.value._tag === "Lost") {
          yield* lose(shardId, counter, exit.value.lost.holder)
        } else {
          const entry = forget(shardId, counter)
          if (entry !== undefined) yield* release(entry.lease, "finished")
          listAgain = true
        }
      }
      return listAgain
    })

    const renew = (entry: Held) =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const result = yield* Effect.either(leases.renew(entry.lease, started + config.leaseDurationMs))
        const now = yield* Clock.currentTimeMillis
        yield* metrics.latency(pipeline.name, "lease_renew", now - started)
        const { counter, key } = entry.lease
        if (Either.isRight(result)) {
          entry.lease = result.right
        } else if (result.left._tag === "LeaseLost") {
          yield* lose(key.shardId, counter, result.left.holder)
        } else {
          yield* metrics.error(metric(`lease_renew:${key.shardId}`), result.left)
          // Past its expiry another worker may hold it: stop reading rather than read twice.
          if (now >= entry.lease.expiresAt) yield* lose(key.shardId, counter, undefined)
        }
      })

    const take = (candidate: Candidate, rows: ReadonlyArray<LeaseRow>) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const { shard, observed, reason } = candidate
        const result = yield* Effect.either(leases.take({
          key: { app: config.app, stream: config.stream, shardId: shard.shardId },
          owner: me,
          observed,
          expiresAt: now + config.leaseDurationMs,
          parents: shard.parents
        }))
        if (Either.isLeft(result)) {
          yield* metrics.error(metric(`lease_take:${shard.shardId}`), result.left)
          return false
        }
        if (Option.isNone(result.right)) return false
        const lease = result.right.value
        yield* startShard(lease, shard, rows)
        yield* metrics.increment(metric("leases_taken"))
        if (reason === "stolen") yield* metrics.increment(metric("leases_stolen"))
        yield* emit({ _tag: "LeaseTaken", workerId: me, shardId: shard.shardId, counter: lease.counter, reason, from: observed?.owner })
        return true
        // Taken and registered together, so a shutdown never misses a lease it holds.
      }).pipe(Effect.uninterruptible)

    /** One cycle; returns how long to wait before the next. */
    const cycle = Effect.gen(function*() {
      const listAgain = yield* collectEnded
      if ((yield* Clock.currentTimeMillis) >= nextRenewAt) {
        yield* Effect.forEach([...held.values()], renew, { concurrency: 16, discard: true })
        nextRenewAt = (yield* Clock.currentTimeMillis) + config.leaseRenewMs
      }
      if (listAgain || (yield* Clock.currentTimeMillis) >= nextListAt) {
        const listed = yield* Effect.either(relist)
        if (Either.isLeft(listed)) yield* metrics.error(metric("consumer_list_shards"), listed.left satisfies KinesisError)
        else shards = listed.right
        nextListAt = (yield* Clock.currentTimeMillis) + config.shardSyncIntervalMs
      }
      const rows = yield* Effect.either(leases.list(config.app, config.stream))
      const now = yield* Clock.currentTimeMillis
      if (Either.isLeft(rows)) {
        yield* metrics.error(metric("lease_list"), rows.left)
        return Math.max(0, nextRenewAt - now)
      }
      const plan = planLeases({
        workerId: me,
        now,
        shards,
        rows: rows.right,
        held: new Set(held.keys()),
        maxLeases: config.maxShardConcurrency
      })
      let taken = 0
      for (const candidate of plan.free) {
        if (taken >= plan.need) break
        if (yield* take(candidate, rows.right)) taken++
      }
      if (taken < plan.need && plan.steal !== undefined) yield* take(plan.steal, rows.right)
      yield* metrics.gauge(metric("leases_held"), held.size)
      // Wake when a live foreign lease is due to expire, so a dead worker's shards move on in time.
      const expiries = rows.right.filter((row) => isLive(row, now) && row.owner !== me).map((row) => row.expiresAt! + 1)
      return Math.max(0, Math.min(nextRenewAt, ...expiries) - now)
    })

    const shutdown = Effect.gen(function*() {
      const entries = [...held.values()]
      held.clear()
      yield* Fiber.interruptAll(entries.map((entry) => entry.fiber))
      yield* Effect.forEach(entries, (entry) => release(entry.lease, "shutdown"), { concurrency: 16, discard: true })
      yield* metrics.gauge(metric("leases_held"), 0)
    })

    return yield* Effect.forever(
      Effect.flatMap(cycle, (waitMs) => Effect.race(Effect.sleep(waitMs), Queue.take(wake)))
    ).pipe(Effect.ensuring(shutdown))
  })
