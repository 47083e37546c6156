import type { LeaseRow } from "../../../state/Leases.js"
import { parentsDone, type ShardInfo } from "../../stream/shards.js"
import type { LeaseEvent } from "./events.js"

type TakeReason = Extract<LeaseEvent, { readonly _tag: "LeaseTaken" }>["reason"]

/** A lease this worker may try to take, with the row it saw (the take is conditional on it). */
export interface Candidate {
  readonly shard: ShardInfo
  readonly observed: LeaseRow | undefined
  readonly reason: TakeReason
}

/** What one worker sees at one moment. */
export interface LeaseView {
  readonly workerId: string
  readonly now: number
  readonly shards: ReadonlyArray<ShardInfo>
  readonly rows: ReadonlyArray<LeaseRow>
  /** Shards this worker holds (and reads) now. */
  readonly held: ReadonlySet<string>
  /** Never hold more than this many (`maxShardConcurrency`). */
  readonly maxLeases: number
}

/** What to try this cycle: free leases in order until `need` are taken, then at most one steal. */
export interface LeasePlan {
  /** Shards that may be read now: listed, not finished, parents finished (or trimmed). */
  readonly leasable: number
  /** Live workers: owners of unexpired leases on leasable shards, and this one. */
  readonly workers: number
  /** This worker's fair share: ceil(leasable / workers), at most `maxLeases`. */
  readonly target: number
  /** How many more to take. */
  readonly need: number
  readonly free: ReadonlyArray<Candidate>
  /** One lease of the most-loaded worker, when free leases cannot cover `need` and it holds two or more than we would. */
  readonly steal: Candidate | undefined
}

/** A lease that counts: owned and not past its expiry. */
export const isLive = (row: LeaseRow | undefined, now: number): row is LeaseRow & { readonly owner: string } =>
  row?.owner !== undefined && row.expiresAt !== undefined && row.expiresAt > now

// FNV-1a: a cheap stable order per worker, so workers starting together try different shards first.
const spread = (workerId: string, shardId: string): number => {
  let hash = 0x811c9dc5
  for (const text of [workerId, shardId]) {
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0
  }
  return hash
}

const freeReason = (row: LeaseRow | undefined, workerId: string): TakeReason =>
  row === undefined ? "new" : row.owner === undefined ? "released" : row.owner === workerId ? "recovered" : "expired"

/**
 * Decides which leases a worker should try to take: KCL 2.x's balancing, without a leader. Free
 * leases (no row, released, expired, or a row naming this worker it does not hold) are taken up to
 * the fair share; past them, one lease a cycle is stolen from the most-loaded worker if it holds at
 * least two more than this worker would. A shard is leasable only once its parents are finished,
 * so children are read after their parents.
 *
 * @example
 * const plan = planLeases({ workerId: "w1", now, shards, rows, held: new Set(), maxLeases: 32 })
 * // plan.free: candidates in order; plan.steal: at most one
 */
export const planLeases = (view: LeaseView): LeasePlan => {
  const { workerId, now } = view
  const rows = new Map(view.rows.map((row) => [row.shardId, row]))
  const listed = new Set(view.shards.map((shard) => shard.shardId))
  const finished = new Set(view.rows.filter((row) => row.finished).map((row) => row.shardId))
  const leasable = view.shards.filter((shard) => !finished.has(shard.shardId) && parentsDone(shard, listed, finished))
  const load = new Map<string, Array<ShardInfo>>()
  for (const shard of leasable) {
    const row = rows.get(shard.shardId)
    if (isLive(row, now) && row.owner !== workerId) load.set(row.owner, [...(load.get(row.owner) ?? []), shard])
  }
  const workers = load.size + 1
  const target = Math.min(view.maxLeases, Math.ceil(leasable.length / workers))
  const need = Math.max(0, target - view.held.size)
  const order = (a: ShardInfo, b: ShardInfo) => spread(workerId, a.shardId) - spread(workerId, b.shardId)
  const free = leasable
    .filter((shard) => !view.held.has(shard.shardId))
    .filter((shard) => {
      const row = rows.get(shard.shardId)
      return !isLive(row, now) || row.owner === workerId
    })
    .sort(order)
    .map((shard) => ({ shard, observed: rows.get(shard.shardId), reason: freeReason(rows.get(shard.shardId), workerId) }))
  let steal: Candidate | undefined
  if (free.length < need) {
    const mine = view.held.size + free.length
    const [victim, shards] = [...load].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1))[0] ?? []
    if (victim !== undefined && shards !== undefined && shards.length - mine >= 2) {
      const shard = [...shards].sort(order)[0]!
      steal = { shard, observed: rows.get(shard.shardId), reason: "stolen" }
    }
  }
  return { leasable: leasable.length, workers, target, need, free, steal }
}
