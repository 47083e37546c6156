import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { KinesisError } from "../../../src/errors.js"
import { KinesisApi, type KinesisApiService } from "../../../src/kinesis/consumer/index.js"

const encoder = new TextEncoder()

/** One shard of the scripted Kinesis. */
export interface FakeShard {
  readonly shardId: string
  readonly parents: ReadonlyArray<string>
  readonly records: Array<{ readonly sequence: string; readonly data: Uint8Array; readonly arrivalMs: number }>
  closed: boolean
}

/** A GetRecords call as the fake saw it. */
export interface FakeCall {
  readonly shardId: string
  readonly at: number
  readonly returned: number
}

/** Decides per GetRecords call (1-based per shard) whether to fail it. */
export type FakeFault = (shardId: string, call: number) => KinesisError["reason"] | undefined

/**
 * A scripted, in-memory Kinesis for unit tests under TestClock: shards with records, closing,
 * splitting, paginated ListShards (two shards a page), expiring iterators and injected errors.
 */
export const makeFakeKinesis = (stream: string) => {
  const shards: Array<FakeShard> = []
  const calls: Array<FakeCall> = []
  const callsPerShard = new Map<string, number>()
  const iteratorRequests: Array<{ readonly shardId: string; readonly type: string; readonly sequence?: string }> = []
  let expiredBefore = 0
  let issued = 0
  let fault: FakeFault | undefined

  const shard = (shardId: string) => {
    const found = shards.find((s) => s.shardId === shardId)
    if (found === undefined) throw new Error(`no shard ${shardId}`)
    return found
  }
  const sequenceBase = (shardId: string) => (shards.findIndex((s) => s.shardId === shardId) + 1) * 1_000_000
  const iterator = (shardId: string, index: number) => `${shardId}|${index}|${++issued}`
  const error = (operation: string, reason: KinesisError["reason"]) =>
    new KinesisError({ operation, reason, message: `${operation}: injected ${reason}` })

  const service: KinesisApiService = {
    listShards: (input) =>
      Effect.suspend(() => {
        if (input.StreamName !== undefined && input.NextToken !== undefined) {
          return Effect.die(new Error("ListShards with both StreamName and NextToken"))
        }
        if (input.NextToken === undefined && input.StreamName !== stream) return Effect.fail(error("ListShards", "other"))
        const offset = input.NextToken === undefined ? 0 : Number(input.NextToken)
        const page = shards.slice(offset, offset + 2)
        return Effect.succeed({
          $metadata: {},
          Shards: page.map((s) => ({
            ShardId: s.shardId,
            ...(s.parents[0] !== undefined ? { ParentShardId: s.parents[0] } : {}),
            ...(s.parents[1] !== undefined ? { AdjacentParentShardId: s.parents[1] } : {}),
            HashKeyRange: { StartingHashKey: "0", EndingHashKey: "1" },
            SequenceNumberRange: {
              StartingSequenceNumber: String(sequenceBase(s.shardId)),
              ...(s.closed ? { EndingSequenceNumber: String(sequenceBase(s.shardId) + 999_999) } : {})
            }
          })),
          ...(offset + 2 < shards.length ? { NextToken: String(offset + 2) } : {})
        })
      }),
    getShardIterator: (input) =>
      Effect.sync(() => {
        const s = shard(input.ShardId!)
        const type = input.ShardIteratorType!
        iteratorRequests.push({ shardId: s.shardId, type, ...(input.StartingSequenceNumber ? { sequence: input.StartingSequenceNumber } : {}) })
        const at = (sequence: string | undefined) => s.records.findIndex((r) => r.sequence === sequence)
        const index = type === "TRIM_HORIZON"
          ? 0
          : type === "LATEST"
          ? s.records.length
          : type === "AT_SEQUENCE_NUMBER"
          ? at(input.StartingSequenceNumber)
          : type === "AFTER_SEQUENCE_NUMBER"
          ? at(input.StartingSequenceNumber) + 1
          : s.records.findIndex((r) => r.arrivalMs >= input.Timestamp!.getTime())
        return iterator(s.shardId, index < 0 ? s.records.length : index)
      }),
    getRecords: (input) =>
      Effect.gen(function*() {
        const [shardId, indexText, serial] = input.ShardIterator!.split("|")
        const s = shard(shardId!)
        const at = yield* Clock.currentTimeMillis
        const call = (callsPerShard.get(s.shardId) ?? 0) + 1
        callsPerShard.set(s.shardId, call)
        const injected = fault?.(s.shardId, call)
        if (injected !== undefined) {
          calls.push({ shardId: s.shardId, at, returned: -1 })
          return yield* Effect.fail(error("GetRecords", injected))
        }
        if (Number(serial) <= expiredBefore) {
          calls.push({ shardId: s.shardId, at, returned: -1 })
          return yield* Effect.fail(error("GetRecords", "expired-iterator"))
        }
        const index = Number(indexText)
        const taken = s.records.slice(index, index + (input.Limit ?? 10_000))
        calls.push({ shardId: s.shardId, at, returned: taken.length })
        const end = s.closed && taken.length === 0 && index >= s.records.length
        return {
          $metadata: {},
          Records: taken.map((r) => ({
            SequenceNumber: r.sequence,
            Data: r.data,
            PartitionKey: "pk",
            ApproximateArrivalTimestamp: new Date(r.arrivalMs)
          })),
          MillisBehindLatest: (s.records.length - index - taken.length) * 10,
          ...(end ? {} : { NextShardIterator: iterator(s.shardId, index + taken.length) })
        }
      })
  }

  return {
    layer: Layer.succeed(KinesisApi, service),
    calls,
    iteratorRequests,
    addShard: (shardId: string, parents: ReadonlyArray<string> = []) => {
      shards.push({ shardId, parents, records: [], closed: false })
    },
    /** Appends JSON events to a shard, returning their sequence numbers. */
    put: (shardId: string, events: ReadonlyArray<unknown>, arrivalMs = 1_700_000_000_000) => {
      const s = shard(shardId)
      if (s.closed) throw new Error(`${shardId} is closed`)
      return events.map((event) => {
        const sequence = String(sequenceBase(shardId) + s.records.length + 1)
        s.records.push({ sequence, data: encoder.encode(JSON.stringify(event)), arrivalMs })
        return sequence
      })
    },
    close: (shardId: string) => {
      shard(shardId).closed = true
    },
    /** Every iterator handed out so far expires. */
    expireIterators: () => {
      expiredBefore = issued
    },
    setFault: (next: FakeFault | undefined) => {
      fault = next
    }
  }
}

export type FakeKinesis = ReturnType<typeof makeFakeKinesis>
