import { describe, expect, it } from "vitest"
import { planLeases } from "../../../src/kinesis/consumer/leases/index.js"
import type { ShardInfo } from "../../../src/kinesis/stream/shards.js"
import type { LeaseRow } from "../../../src/state/Leases.js"

const now = 1_000_000
const id = (n: number) => `shardId-${String(n).padStart(12, "0")}`
const open = (n: number, parents: ReadonlyArray<number> = []): ShardInfo => ({ shardId: id(n), parents: parents.map(id), closed: false })
const row = (n: number, owner: string | undefined, overrides: Partial<LeaseRow> = {}): LeaseRow => ({
  shardId: id(n),
  owner,
  counter: 1,
  expiresAt: owner === undefined ? undefined : now + 5_000,
  sequence: undefined,
  finished: false,
  parents: [],
  ...overrides
})
const range = (n: number) => Array.from({ length: n }, (_, i) => i)
const plan = (workerId: string, shards: ReadonlyArray<ShardInfo>, rows: ReadonlyArray<LeaseRow>, held: ReadonlyArray<number> = [], maxLeases = 32) =>
  planLeases({ workerId, now, shards, rows, held: new Set(held.map(id)), maxLeases })

describe("planLeases", () => {
  it("a lone worker takes every shard, in an order of its own, up to maxShardConcurrency", () => {
    const shards = range(8).map((n) => open(n))
    const p = plan("a", shards, [])
    expect(p).toMatchObject({ leasable: 8, workers: 1, target: 8, need: 8, steal: undefined })
    expect(new Set(p.free.map((c) => c.shard.shardId))).toEqual(new Set(shards.map((s) => s.shardId)))
    expect(p.free.every((c) => c.reason === "new")).toBe(true)
    expect(plan("b", shards, []).free.map((c) => c.shard.shardId)).not.toEqual(p.free.map((c) => c.shard.shardId))
    expect(plan("a", shards, [], [], 3).target).toBe(3)
  })

  it("takes released and expired leases, and its own row it does not hold; never a live one as free", () => {
    const shards = range(4).map((n) => open(n))
    const rows = [row(0, undefined), row(1, "x", { expiresAt: now }), row(2, "a"), row(3, "x")]
    const p = plan("a", shards, rows)
    expect(p.workers).toBe(2) // x (live on shard 3) and a
    expect(p.target).toBe(2)
    expect(Object.fromEntries(p.free.map((c) => [c.shard.shardId, c.reason]))).toEqual({
      [id(0)]: "released",
      [id(1)]: "expired",
      [id(2)]: "recovered"
    })
    expect(p.free.find((c) => c.shard.shardId === id(1))?.observed).toBe(rows[1])
  })

  it("steals one lease from the most-loaded worker when it holds two more than this one would", () => {
    const shards = range(8).map((n) => open(n))
    const allA = range(8).map((n) => row(n, "a"))
    const p = plan("b", shards, allA)
    expect(p).toMatchObject({ workers: 2, target: 4, need: 4, free: [] })
    expect(p.steal).toMatchObject({ reason: "stolen", observed: { owner: "a" } })
    // 3, 3, 2 over 8 shards: balanced within one, nothing to steal.
    const rows = [...range(3).map((n) => row(n, "a")), ...range(3).map((n) => row(n + 3, "b")), row(6, "c"), row(7, "c")]
    expect(plan("c", shards, rows, [6, 7]).steal).toBeUndefined()
    // 3, 3, 1 over 7 shards: the one with one steals (3 - 1 ≥ 2), from the heavier (first by name on a tie).
    const seven = shards.slice(0, 7)
    const uneven = [...range(3).map((n) => row(n, "a")), ...range(3).map((n) => row(n + 3, "b")), row(6, "c")]
    expect(plan("c", seven, uneven, [6]).steal?.observed?.owner).toBe("a")
  })

  it("leases a child only once every parent is finished, or trimmed (no longer listed)", () => {
    const shards = [open(0), open(1), open(2, [0, 1])]
    const parentOpen = plan("a", shards, [row(0, undefined, { finished: true })])
    expect(parentOpen.free.map((c) => c.shard.shardId).sort()).toEqual([id(1)])
    const bothDone = plan("a", shards, [row(0, undefined, { finished: true }), row(1, undefined, { finished: true })])
    expect(bothDone.free.map((c) => c.shard.shardId)).toEqual([id(2)])
    expect(bothDone.leasable).toBe(1)
    const trimmed = plan("a", [open(2, [0, 1])], [])
    expect(trimmed.free.map((c) => c.shard.shardId)).toEqual([id(2)])
  })
})
