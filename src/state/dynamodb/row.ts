import type { AttributeValue } from "@aws-sdk/client-dynamodb"
import * as Either from "effect/Either"
import type { Monoid } from "../../monoid/Monoid.js"
import { padSequence } from "../../record/index.js"
import type { RowKey } from "../RowKey.js"
import { isExpiredAt } from "../ttl.js"

/** An item as the SDK returns it. */
export type Item = Record<string, AttributeValue>

/** Attribute names of an aggregate row (shared with Go Murmur workers). */
export const attr = { pk: "pk", sk: "sk", value: "v", ttl: "ttl", version: "ver" } as const

/** Primary key attributes of a row. */
export const keyOf = (key: RowKey): Item => ({ pk: { S: key.entity }, sk: { N: String(key.bucket) } })

/**
 * The attribute holding a shard's high-water mark: `hwm_` plus the shard id, with every character
 * outside `[A-Za-z0-9.-]` written as `_` and four hex digits, so distinct shards never share one
 * (Kinesis ids such as `shardId-000000000001` stay readable).
 */
export const markAttribute = (shardId: string): string =>
  "hwm_" + shardId.replace(/[^A-Za-z0-9.-]/g, (c) => "_" + c.charCodeAt(0).toString(16).padStart(4, "0"))

/** A fixed-width sequence number as DynamoDB stores and compares it. */
export const sequenceValue = (sequence: string): AttributeValue => ({ S: padSequence(sequence) })

/** A value as its `v` attribute, or `undefined` when a numeric monoid's value is unset. */
export const encodeValue = <V>(monoid: Monoid<V>, value: V): AttributeValue | undefined => {
  const codec = monoid.codec
  if (codec.storage === "number") {
    const n = codec.encode(value)
    return n === undefined ? undefined : { N: String(n) }
  }
  return { B: codec.encode(value) }
}

/** Reads a row's `v`: `Right(None-like undefined)` when absent, `Left(message)` when malformed. */
export const decodeValue = <V>(monoid: Monoid<V>, stored: AttributeValue | undefined): Either.Either<V | undefined, string> => {
  if (stored === undefined) return Either.right(undefined)
  const codec = monoid.codec
  try {
    if (codec.storage === "number") {
      if (stored.N === undefined) return Either.left(`v is not a number for monoid ${monoid.name}`)
      // The text, not a double: an exact sum keeps every digit.
      return Number.isNaN(Number(stored.N)) ? Either.left(`v is not a number: ${stored.N}`) : Either.right(codec.decode(stored.N))
    }
    if (stored.B === undefined) return Either.left(`v is not binary for monoid ${monoid.name}`)
    return Either.right(codec.decode(stored.B))
  } catch (cause) {
    return Either.left(`v does not decode for monoid ${monoid.name}: ${String(cause)}`)
  }
}

/** A row's TTL (epoch seconds), if it has one. */
export const ttlOf = (item: Item): number | undefined => {
  const n = item[attr.ttl]?.N
  return n === undefined ? undefined : Number(n)
}

/**
 * DynamoDB deletes expired rows lazily (up to days later): a reader must treat them as gone.
 * The rule itself is `isExpiredAt`, shared with the memory store and the caches.
 */
export const isExpired = (item: Item, nowMs: number): boolean => isExpiredAt(ttlOf(item), nowMs)

/** The CAS version of a row, `undefined` when it has none (absent row, or an ADD-only row). */
export const versionOf = (item: Item | undefined): number | undefined => {
  const n = item?.[attr.version]?.N
  return n === undefined ? undefined : Number(n)
}
