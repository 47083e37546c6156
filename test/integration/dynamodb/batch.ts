import type { Monoid } from "../../../src/monoid/Monoid.js"
import type { CommitRequest, CommitStrategy, Contribution } from "../../../src/state/Commit.js"

/** One source record's delta to one key, as a processor would plan it. */
export interface TestRecord<V> {
  readonly eventId: string
  readonly sequence: string
  readonly entity: string
  readonly value: V
}

// A realistic 56-digit Kinesis sequence number, so padding and string comparison matter.
const base = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n

/** `n` records of one shard over `keys` keys (record i goes to key i mod keys), in sequence order. */
export const shardRecords = <V>(
  n: number,
  keys: number,
  value: (i: number) => V,
  prefix = "k"
): ReadonlyArray<TestRecord<V>> =>
  Array.from({ length: n }, (_, i) => ({
    eventId: `shard-1/${i}`,
    sequence: String(base + BigInt(i) * 1_000_000n),
    entity: `${prefix}${i % keys}`,
    value: value(i)
  }))

/** Groups records into one CommitRequest per key, contributions in record order. */
export const commitRequests = <V>(
  records: ReadonlyArray<TestRecord<V>>,
  common: {
    readonly pipeline: string
    readonly table: string
    readonly monoid: Monoid<V>
    readonly strategy: CommitStrategy
    readonly bucket?: number
  }
): Array<CommitRequest<V>> => {
  const byKey = new Map<string, Array<Contribution<V>>>()
  for (const record of records) {
    let list = byKey.get(record.entity)
    if (list === undefined) byKey.set(record.entity, list = [])
    list.push({ eventId: record.eventId, sequence: record.sequence, value: record.value })
  }
  return Array.from(byKey, ([entity, contributions]) => ({
    pipeline: common.pipeline,
    table: common.table,
    monoid: common.monoid,
    key: { entity, bucket: common.bucket ?? 0 },
    ttl: undefined,
    strategy: common.strategy,
    contributions
  }))
}

/** Expected sum per key of the given records. */
export const expectedSums = (records: ReadonlyArray<TestRecord<number>>): Map<string, number> => {
  const sums = new Map<string, number>()
  for (const r of records) sums.set(r.entity, (sums.get(r.entity) ?? 0) + r.value)
  return sums
}

/** A seeded shuffle (Fisher–Yates over mulberry32), for redelivery in another order. */
export const shuffled = <A>(items: ReadonlyArray<A>, seed: number): Array<A> => {
  let state = seed >>> 0
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}
