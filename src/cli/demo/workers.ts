/**
 * `demo --workers N`: the hourly pipeline read by N lease-sharing workers (`runWorker`) in this
 * process instead of one `runConsumer`, and who holds which shard, from their lease events.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type { ConsumerConfig } from "../../kinesis/consumer/config.js"
import type { LeaseEvent } from "../../kinesis/consumer/leases/events.js"
import { runWorker } from "../../kinesis/consumer/leases/runWorker.js"
import type { Pipeline } from "../../pipeline/Pipeline.js"
import type { Decoder } from "../../processor/types.js"
import { DemoFailed } from "../errors.js"

/** Short enough to watch a handoff; the renewal (and balancing cycle) well inside the lease. */
export const demoLeaseDurationMs = 4_000
export const demoLeaseRenewMs = 500

/**
 * The demo's worker ids: `worker-1` … `worker-N`.
 *
 * @example
 * demoWorkerIds(2) // ["worker-1", "worker-2"]
 */
export const demoWorkerIds = (count: number): ReadonlyArray<string> => Array.from({ length: count }, (_, i) => `worker-${i + 1}`)

/** Who holds which shard, kept from the workers' `onLeaseEvent`. */
export interface LeaseOwners {
  readonly onLeaseEvent: (event: LeaseEvent) => Effect.Effect<void>
  /** The current owner by shard id. */
  readonly current: Effect.Effect<Readonly<Record<string, string>>>
  /** Lease events so far, by kind (`stolen` counts the takes from a live owner). */
  readonly counts: Effect.Effect<{ readonly taken: number; readonly stolen: number; readonly lost: number }>
}

/**
 * A lease-owner tracker. A take names the new owner at once; a loss or release clears a shard only
 * while the map still names that worker (the taker's event may arrive first).
 *
 * @example
 * const owners = makeLeaseOwners()
 * runWorker(pipeline, decoder, { ...config, onLeaseEvent: owners.onLeaseEvent })
 */
export const makeLeaseOwners = (): LeaseOwners => {
  const owners = new Map<string, string>()
  const counts = { taken: 0, stolen: 0, lost: 0 }
  return {
    onLeaseEvent: (event) =>
      Effect.sync(() => {
        if (event._tag === "LeaseTaken") {
          owners.set(event.shardId, event.workerId)
          counts.taken++
          if (event.reason === "stolen") counts.stolen++
          return
        }
        if (event._tag === "LeaseLost") counts.lost++
        if (owners.get(event.shardId) === event.workerId) owners.delete(event.shardId)
      }),
    current: Effect.sync(() => Object.fromEntries([...owners].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))),
    counts: Effect.sync(() => ({ ...counts }))
  }
}

/** `shardId-000000000002` → `#2`, as the dashboard labels shards. */
const shortShard = (shardId: string) => shardId.replace(/^shardId-0*(?=\d)/, "#")

/**
 * Each worker and its shards, e.g. `worker-1 #0 #1, worker-2 #2 #3` (`worker-3 -` holds none).
 *
 * @example
 * formatOwners(["worker-1", "worker-2"], { "shardId-000000000000": "worker-2" }) // "worker-1 -, worker-2 #0"
 */
export const formatOwners = (workerIds: ReadonlyArray<string>, owners: Readonly<Record<string, string>>): string =>
  workerIds.map((id) => {
    const shards = Object.keys(owners).filter((shard) => owners[shard] === id).sort().map(shortShard)
    return `${id} ${shards.length > 0 ? shards.join(" ") : "-"}`
  }).join(", ")

/**
 * Forks one `runWorker` per id into the scope, all on the same lease table (the checkpoints table
 * behind `Leases`), with the demo's short lease timings.
 *
 * @example
 * yield* forkDemoWorkers(pipelines.hourly, pageViewDecoder, config, demoWorkerIds(2), owners).pipe(Effect.provide(layer))
 */
export const forkDemoWorkers = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  config: ConsumerConfig,
  workerIds: ReadonlyArray<string>,
  owners: LeaseOwners
) =>
  Effect.forEach(workerIds, (workerId) =>
    runWorker(pipeline, decoder, {
      ...config,
      workerId,
      leaseDurationMs: demoLeaseDurationMs,
      leaseRenewMs: demoLeaseRenewMs,
      onLeaseEvent: owners.onLeaseEvent
    }).pipe(Effect.forkScoped), { discard: true })

/**
 * Waits until every one of `shards` shard ids has an owner, the workers' counts differ by at
 * most one (balanced), and every worker robbed of a lease has noticed (one `LeaseLost` per steal,
 * at its next renewal), so production starts with the shards spread and each read by one worker
 * only; fails with `DemoFailed` (`timeout`) when nothing has changed for `stallMs`.
 *
 * @example
 * yield* awaitBalanced(owners, demoWorkerIds(2), 4, 60_000)
 */
export const awaitBalanced = (
  owners: LeaseOwners,
  workerIds: ReadonlyArray<string>,
  shards: number,
  stallMs: number
): Effect.Effect<Readonly<Record<string, string>>, DemoFailed> =>
  Effect.gen(function*() {
    let seen = ""
    let movedAt = yield* Clock.currentTimeMillis
    while (true) {
      const current = yield* owners.current
      const counts = yield* owners.counts
      const held = workerIds.map((id) => Object.values(current).filter((owner) => owner === id).length)
      const spread = Object.keys(current).length >= shards && Math.max(...held) - Math.min(...held) <= 1
      if (spread && counts.lost >= counts.stolen) return current
      const now = yield* Clock.currentTimeMillis
      const shown = `${formatOwners(workerIds, current)}; ${counts.stolen} stolen, ${counts.lost} lost`
      if (shown !== seen) {
        seen = shown
        movedAt = now
      } else if (now - movedAt > stallMs) {
        return yield* Effect.fail(new DemoFailed({ reason: "timeout", message: `the workers did not balance the leases (${shown})` }))
      }
      yield* Effect.sleep("100 millis")
    }
  })
