/**
 * A resharded stream for scheduler tests (runConsumer, runWorker): shard 0 split into 1 and 2,
 * which merged into 3 (still open), and a check that every child started after its parents ended.
 */
import { expect } from "@effect/vitest"
import type { FakeKinesis } from "./fakeKinesis.js"

const shard = (n: number) => `shardId-${String(n).padStart(12, "0")}`

/** (parent, child) pairs of `seedSplitThenMerge`. */
export const lineage = [[0, 1], [0, 2], [1, 3], [2, 3]] as const

/** Seeds the history with 100, 60, 70 and 50 records (280 in all) made by `events`. */
export const seedSplitThenMerge = (kinesis: FakeKinesis, events: (n: number) => ReadonlyArray<unknown>) => {
  kinesis.addShard(shard(0))
  kinesis.put(shard(0), events(100))
  kinesis.close(shard(0))
  kinesis.addShard(shard(1), [shard(0)])
  kinesis.addShard(shard(2), [shard(0)])
  kinesis.put(shard(1), events(60))
  kinesis.put(shard(2), events(70))
  kinesis.close(shard(1))
  kinesis.close(shard(2))
  kinesis.addShard(shard(3), [shard(1), shard(2)])
  kinesis.put(shard(3), events(50))
}

/** `events` are `<ShardStarted|ShardFinished>:<shardId>` in order: each child started after its parents finished. */
export const expectParentsFirst = (events: ReadonlyArray<string>) => {
  const at = (event: string) => events.indexOf(event)
  for (const [parent, child] of lineage) {
    expect(at(`ShardFinished:${shard(parent)}`)).toBeGreaterThanOrEqual(0)
    expect(at(`ShardStarted:${shard(child)}`)).toBeGreaterThan(at(`ShardFinished:${shard(parent)}`))
  }
}
