import { hostname } from "node:os"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import { InvalidConfig } from "../../../errors.js"
import { type ConsumerConfig, consumerConfig, type ResolvedConsumerConfig } from "../config.js"
import type { LeaseEvent } from "./events.js"

/** Lease options of a worker, on top of the consumer's. */
export interface WorkerOptions {
  /**
   * This worker's name in the lease table; unique among live workers. Default
   * `<hostname>-<pid>-<6 random hex digits>`, so two processes on one host, or a restarted
   * process with a recycled pid, never share one.
   */
  readonly workerId?: string
  /** A lease not renewed for this long may be taken by another worker. Default 10,000 ms (KCL's failover time). */
  readonly leaseDurationMs?: number
  /**
   * How often held leases are renewed and the lease table is read (takes, balancing). Default
   * 3,000 ms; at most half of `leaseDurationMs`, so one failed renewal never loses a lease.
   */
  readonly leaseRenewMs?: number
  readonly onLeaseEvent?: (event: LeaseEvent) => Effect.Effect<void>
}

/** Options of `runWorker`: the consumer's plus the lease options. */
export interface WorkerConfig extends ConsumerConfig, WorkerOptions {}

/** A validated worker configuration with every default filled in. */
export interface ResolvedWorkerConfig extends ResolvedConsumerConfig {
  readonly workerId: string
  readonly leaseDurationMs: number
  readonly leaseRenewMs: number
  readonly onLeaseEvent: ((event: LeaseEvent) => Effect.Effect<void>) | undefined
}

export const defaultLeaseDurationMs = 10_000
export const defaultLeaseRenewMs = 3_000

/**
 * A worker id unique per process: host name, process id and a random suffix (from Effect's
 * `Random`, so tests can seed it).
 *
 * @example
 * const id = yield* defaultWorkerId // "ip-10-0-1-17-4242-3fa9c1"
 */
export const defaultWorkerId: Effect.Effect<string> = Effect.map(
  Random.nextIntBetween(0, 0x1000000),
  (suffix) => `${hostname()}-${process.pid}-${suffix.toString(16).padStart(6, "0")}`
)

const fail = (field: string, message: string) => Effect.fail(new InvalidConfig({ field, message }))

/**
 * Validates a worker's options and fills in defaults, or says which field is wrong.
 *
 * @example
 * const config = yield* workerConfig({ app: "page-views", stream: "clicks", leaseDurationMs: 6_000, leaseRenewMs: 2_000 })
 */
export const workerConfig = (input: WorkerConfig): Effect.Effect<ResolvedWorkerConfig, InvalidConfig> =>
  Effect.gen(function*() {
    const consumer = yield* consumerConfig(input)
    const leaseDurationMs = input.leaseDurationMs ?? defaultLeaseDurationMs
    if (!Number.isSafeInteger(leaseDurationMs) || leaseDurationMs < 2) {
      return yield* fail("leaseDurationMs", "leaseDurationMs must be a whole number ≥ 2")
    }
    const leaseRenewMs = input.leaseRenewMs ?? Math.min(defaultLeaseRenewMs, Math.floor(leaseDurationMs / 3))
    if (!Number.isSafeInteger(leaseRenewMs) || leaseRenewMs < 1 || leaseRenewMs * 2 > leaseDurationMs) {
      return yield* fail("leaseRenewMs", "leaseRenewMs must be a whole number from 1 to half of leaseDurationMs")
    }
    const workerId = input.workerId ?? (yield* defaultWorkerId)
    if (typeof workerId !== "string" || workerId.trim() === "" || workerId.length > 256) {
      return yield* fail("workerId", "workerId must be 1-256 characters")
    }
    return { ...consumer, workerId, leaseDurationMs, leaseRenewMs, onLeaseEvent: input.onLeaseEvent }
  })
