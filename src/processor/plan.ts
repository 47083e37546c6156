/**
 * The synchronous first phase of a batch: decode every record, extract keys and values, and group
 * the contributions into per-row commit units. Plain code in one pass, no Effect per record.
 */
import * as Either from "effect/Either"
import { DecodeError, InvalidKey } from "../errors.js"
import type { Pipeline } from "../pipeline/Pipeline.js"
import { keyProblem } from "../record/index.js"
import type { Contribution } from "../state/Commit.js"
import { clip } from "../state/numberLimits.js"
import type { RowKey } from "../state/RowKey.js"
import { bucketId, ttlSeconds } from "../window/Window.js"
import type { Decoder, SourceRecord } from "./types.js"
import { keyUnicodeProblem, timeProblem, ttlProblem, valueProblem } from "./validate.js"

/** A contribution that knows the index of its record in the batch. */
export interface IndexedContribution<V> extends Contribution<V> {
  readonly index: number
}

/** One store commit: contributions to one row, in record order. */
export interface CommitUnit<V> {
  readonly contributions: Array<IndexedContribution<V>>
}

/** Every commit unit of one row, in record order; a row's units run one after another. */
export interface RowPlan<V> {
  readonly key: RowKey
  readonly ttl: number | undefined
  readonly units: Array<CommitUnit<V>>
}

export interface BatchPlan<V> {
  /** Rows in order of first appearance. */
  readonly rows: Array<RowPlan<V>>
  /** Per record index: why it was not turned into contributions (sparse). */
  readonly rejected: Array<DecodeError | InvalidKey | undefined>
  /** Per record index: how many rows it contributes to. */
  readonly contributionCounts: Int32Array
}

// Whether a key is listed twice. A record's few keys are compared pairwise, which allocates
// nothing; a Set is made only for long lists or when there is a repeat to remove.
const hasRepeat = (keys: ReadonlyArray<string>): boolean => {
  if (keys.length > 8) return new Set(keys).size < keys.length
  for (let i = 1; i < keys.length; i++) for (let j = 0; j < i; j++) if (keys[i] === keys[j]) return true
  return false
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

const keyError = (key: string, message: string, asInvalidKey: boolean): DecodeError | InvalidKey => {
  const invalid = new InvalidKey({ key: clip(key), message })
  return asInvalidKey ? invalid : new DecodeError({ reason: "key", message, cause: invalid })
}

/**
 * Builds the plan of a batch. `coalesce`: one unit per row holding every contribution (additive
 * monoids); otherwise one unit per (record, row).
 */
export const planBatch = <E, V>(
  pipeline: Pipeline<E, V>,
  decoder: Decoder<E>,
  records: ReadonlyArray<SourceRecord>,
  coalesce: boolean,
  invalidKeyFails: boolean
): BatchPlan<V> => {
  const rows: Array<RowPlan<V>> = []
  const rejected: Array<DecodeError | InvalidKey | undefined> = []
  const contributionCounts = new Int32Array(records.length)
  const byBucket = new Map<number, Map<string, RowPlan<V>>>()
  const { window, keysOf, valueOf, eventTime } = pipeline

  // Consecutive records usually share a bucket: remember the last one's map.
  let lastBucket = Number.NaN
  let lastEntities: Map<string, RowPlan<V>> = new Map()
  const rowFor = (bucket: number, entity: string): RowPlan<V> => {
    let entities = lastEntities
    if (bucket !== lastBucket) {
      entities = byBucket.get(bucket) ?? new Map()
      byBucket.set(bucket, entities)
      lastBucket = bucket
      lastEntities = entities
    }
    let row = entities.get(entity)
    if (row === undefined) {
      row = {
        key: { entity, bucket },
        ttl: window === undefined ? undefined : ttlSeconds(window, bucket),
        units: coalesce ? [{ contributions: [] }] : []
      }
      entities.set(entity, row)
      rows.push(row)
    }
    return row
  }

  let ttlCheckedBucket = Number.NaN
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!
    let decoded: Either.Either<E, DecodeError>
    try {
      decoded = decoder.decode(record.data)
    } catch (cause) {
      decoded = Either.left(new DecodeError({ reason: "custom", message: `decoder threw: ${describe(cause)}`, cause }))
    }
    if (Either.isLeft(decoded)) {
      rejected[index] = decoded.left
      continue
    }
    const event = decoded.right
    let keys: ReadonlyArray<string>
    try {
      keys = keysOf(event)
    } catch (cause) {
      rejected[index] = keyError("", `key extractor threw: ${describe(cause)}`, invalidKeyFails)
      continue
    }
    let problem: string | undefined
    let badKey = ""
    let unicode = false
    for (let k = 0; k < keys.length && problem === undefined; k++) {
      problem = keyProblem(keys[k])
      if (problem === undefined) {
        problem = keyUnicodeProblem(keys[k]!)
        unicode = problem !== undefined
      }
      if (problem !== undefined) badKey = String(keys[k])
    }
    if (problem !== undefined) {
      rejected[index] = unicode && !invalidKeyFails
        ? new DecodeError({ reason: "unicode", message: problem })
        : keyError(badKey, problem, invalidKeyFails)
      continue
    }
    if (keys.length === 0) continue
    let value: V
    try {
      value = valueOf(event)
    } catch (cause) {
      rejected[index] = new DecodeError({ reason: "custom", message: `value extractor threw: ${describe(cause)}`, cause })
      continue
    }
    const badValue = valueProblem(pipeline.monoid, value)
    if (badValue !== undefined) {
      rejected[index] = badValue
      continue
    }
    // A key listed twice is one (event, key) delta: applied once.
    if (keys.length > 1 && hasRepeat(keys)) keys = Array.from(new Set(keys))
    let bucket = 0
    if (window !== undefined) {
      let time = record.eventTimeMs
      if (eventTime !== undefined) {
        try {
          time = eventTime(event)
        } catch (cause) {
          rejected[index] = new DecodeError({ reason: "custom", message: `event time extractor threw: ${describe(cause)}`, cause })
          continue
        }
      }
      const badTime = timeProblem(time, eventTime === undefined ? "arrival time" : "event time")
      if (badTime !== undefined) {
        rejected[index] = badTime
        continue
      }
      bucket = bucketId(window, time)
      // The TTL depends on the bucket only: checked when the bucket changes.
      if (bucket !== ttlCheckedBucket) {
        const badTtl = ttlProblem(window, bucket)
        if (badTtl !== undefined) {
          rejected[index] = badTtl
          continue
        }
        ttlCheckedBucket = bucket
      }
    }
    const contribution: IndexedContribution<V> = { eventId: record.eventId, sequence: record.sequence, value, index }
    contributionCounts[index] = keys.length
    for (let k = 0; k < keys.length; k++) {
      const row = rowFor(bucket, keys[k]!)
      if (coalesce) row.units[0]!.contributions.push(contribution)
      else row.units.push({ contributions: [contribution] })
    }
  }
  return { rows, rejected, contributionCounts }
}
