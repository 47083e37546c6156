/**
 * Several lease workers in one test: a scripted Kinesis, one memory store and one memory lease
 * table shared by all (as processes share DynamoDB), a TestClock driver, and the lease events
 * every worker reported, stamped with the clock.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { StoreError } from "../../../src/errors.js"
import { type LeaseEvent, runWorker, type WorkerConfig } from "../../../src/kinesis/consumer/index.js"
import { makeMemoryMetrics, type MemoryMetrics, Metrics } from "../../../src/metrics/index.js"
import { count } from "../../../src/monoid/index.js"
import { pipeline } from "../../../src/pipeline/index.js"
import { schemaDecoder } from "../../../src/processor/index.js"
import { Leases, type LeasesService } from "../../../src/state/Leases.js"
import { MemoryLeases, MemoryState } from "../../../src/state/memory/index.js"
import { makeFakeKinesis } from "../consumer/fakeKinesis.js"

const Click = Schema.Struct({ page: Schema.String })
export const clicks = pipeline({ name: "clicks", store: "aggregates", key: (e: { page: string }) => e.page, monoid: count })
export const decoder = schemaDecoder(Click)
export const pages = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => ({ page: `p${(i + offset) % 3}` }))
export const shard = (n: number) => `shardId-${String(n).padStart(12, "0")}`

export const leaseDurationMs = 3_000
export const leaseRenewMs = 1_000

export const baseConfig: WorkerConfig = {
  app: "views",
  stream: "clicks",
  startingPosition: "TRIM_HORIZON",
  pollIntervalMs: 100,
  recordsPerCall: 20,
  shardSyncIntervalMs: 1_000,
  leaseDurationMs,
  leaseRenewMs
}

export type StampedEvent = LeaseEvent & { readonly at: number }

/** A worker's lease service that can be made to fail every call, as a process that died would. */
const killable = (service: LeasesService) => {
  let dead = false
  const guard = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E | StoreError> =>
    Effect.suspend((): Effect.Effect<A, E | StoreError> =>
      dead ? Effect.fail(new StoreError({ operation: "lease", transient: true, message: "worker killed" })) : effect
    )
  const wrapped: LeasesService = {
    list: (app, stream) => guard(service.list(app, stream)),
    take: (request) => guard(service.take(request)),
    renew: (lease, expiresAt) => guard(service.renew(lease, expiresAt)),
    release: (lease) => guard(service.release(lease)),
    checkpoint: (lease, sequence, finished) => guard(service.checkpoint(lease, sequence, finished))
  }
  return { wrapped, kill: () => void (dead = true) }
}

export interface Worker {
  readonly id: string
  readonly metrics: MemoryMetrics
  readonly fiber: Fiber.RuntimeFiber<never, unknown>
  /** Every lease call fails from now on (a SIGKILLed process: nothing is renewed or released). */
  readonly kill: () => void
}

export const makeWorld = () => {
  const kinesis = makeFakeKinesis("clicks")
  const state = MemoryState.make()
  const leases = MemoryLeases.make()
  const events: Array<StampedEvent> = []
  const total = () => state.store.control.rows("aggregates").reduce((sum, row) => sum + (row.value as number), 0)
  const rows = () => leases.rows("views", "clicks")
  /** Shard ids by owner (live or not), from the lease table. */
  const owners = () => {
    const byOwner = new Map<string, Array<string>>()
    for (const row of rows().values()) {
      if (row.owner !== undefined) byOwner.set(row.owner, [...(byOwner.get(row.owner) ?? []), row.shardId])
    }
    return byOwner
  }
  const held = (id: string) => owners().get(id)?.length ?? 0

  const start = (id: string, config: Partial<WorkerConfig> = {}) =>
    Effect.gen(function*() {
      const metrics = makeMemoryMetrics()
      const { kill, wrapped } = killable(leases.service)
      const layer = Layer.mergeAll(
        kinesis.layer,
        state.layer,
        Layer.succeed(Metrics, metrics.service),
        Layer.succeed(Leases, wrapped)
      )
      const onLeaseEvent = (event: LeaseEvent) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) => Effect.sync(() => void events.push({ ...event, at })))
      const fiber = yield* Effect.fork(
        runWorker(clicks, decoder, { ...baseConfig, workerId: id, onLeaseEvent, ...config }).pipe(Effect.provide(layer))
      )
      return { id, metrics, fiber, kill } satisfies Worker
    })

  return { kinesis, state, leases, events, total, rows, owners, held, start }
}

export type World = ReturnType<typeof makeWorld>

/**
 * Moves the TestClock `stepMs` at a time until `done` holds; fails after `maxSteps` steps (a
 * deadline in clock steps, not wall time). Returns the clock time reached.
 */
export const advanceUntil = (done: () => boolean, options: { readonly stepMs?: number; readonly maxSteps?: number } = {}) =>
  Effect.gen(function*() {
    const maxSteps = options.maxSteps ?? 2_000
    for (let step = 0; step < maxSteps; step++) {
      if (done()) return yield* Clock.currentTimeMillis
      yield* TestClock.adjust(Duration.millis(options.stepMs ?? 50))
    }
    return yield* Effect.fail(new Error(`condition not reached after ${maxSteps} clock steps`))
  })

/** Interrupts a worker (a graceful shutdown), keeping the clock moving while its batch ends. */
export const stop = (worker: Worker) =>
  Effect.gen(function*() {
    const stopping = yield* Effect.fork(Fiber.interrupt(worker.fiber))
    yield* advanceUntil(() => stopping.unsafePoll() !== null)
  })

/** Seeds `shards` open shards with `perShard` records each. */
export const seed = (world: World, shards: number, perShard: number) => {
  for (let i = 0; i < shards; i++) world.kinesis.addShard(shard(i))
  for (let i = 0; i < shards; i++) world.kinesis.put(shard(i), pages(perShard, i))
}

