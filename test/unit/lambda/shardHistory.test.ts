import { describe, expect, it } from "vitest"
import type { RecordOutcome } from "../../../src/processor/types.js"
import { describeSuspicion, ShardHistory } from "../../../src/kinesis/lambda/shardHistory.js"
import { recordOf, sequenceOf, shardId } from "./events.js"

const records = (ns: ReadonlyArray<number>) => ns.map((n) => recordOf(n, "{}"))
const outcomes = (tags: string): Array<RecordOutcome> =>
  [...tags].map((tag) => ({ _tag: tag === "d" ? "Duplicate" : tag === "n" ? "NotAttempted" : "Succeeded" }) as RecordOutcome)

describe("ShardHistory (the in-batch check)", () => {
  it("flags records of a shard that are not ascending", () => {
    const suspicion = new ShardHistory().check(shardId, records([1, 3, 2, 4]), undefined)
    expect(suspicion).toEqual({ _tag: "NotAscending", index: 2, sequence: sequenceOf(2), previous: sequenceOf(3) })
    expect(describeSuspicion("views", shardId, suspicion!)).toMatch(/suspected parallel event-source mapping on shardId-000000000000.*ParallelizationFactor/)
  })

  it("flags records found applied that this container was never given, once it knows the shard", () => {
    const history = new ShardHistory()
    // Batch A of partition key A; a parallel batch B (other keys) found marks A raised.
    expect(history.check(shardId, records([1, 3, 5]), outcomes("sss"))).toBeUndefined()
    const suspicion = history.check(shardId, records([6, 8, 10]), outcomes("dds"))
    expect(suspicion).toEqual({ _tag: "UnseenDuplicates", count: 2, first: sequenceOf(6), highestSeen: sequenceOf(5) })
  })

  it("does not flag the redelivery of records it was given before (a partly reported batch)", () => {
    const history = new ShardHistory()
    // In order: record 3 failed, 4–6 not attempted though some of their rows were committed.
    expect(history.check(shardId, records([1, 2, 3, 4, 5, 6]), outcomes("ssnnnn"))).toBeUndefined()
    expect(history.check(shardId, records([3, 4, 5, 6, 7]), outcomes("sddds"))).toBeUndefined()
  })

  it("does not flag duplicates in a container that never saw the shard (a retry after a crash lands anywhere)", () => {
    expect(new ShardHistory().check(shardId, records([4, 5]), outcomes("ds"))).toBeUndefined()
  })
})
