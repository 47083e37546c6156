import * as Option from "effect/Option"
import type { Monoid } from "../monoid/Monoid.js"
import type { BucketRow } from "../state/Store.js"

/**
 * Folds an entity-major result (entity 0's buckets in ascending order, then entity 1's, ...) into
 * one value per entity, starting from the identity. An absent row contributes the identity, so it
 * is skipped: the Go library folds the store's zero value instead, which is wrong for monoids whose
 * identity is not a stored zero (min, max, first, last, sets).
 */
export const foldEntityMajor = <V>(
  monoid: Monoid<V>,
  rows: ReadonlyArray<Option.Option<V>>,
  entityCount: number,
  bucketCount: number
): ReadonlyArray<V> => {
  const out: Array<V> = new Array(entityCount)
  for (let e = 0; e < entityCount; e++) {
    let acc = monoid.empty
    const base = e * bucketCount
    for (let b = 0; b < bucketCount; b++) {
      const row = rows[base + b]
      if (row !== undefined && Option.isSome(row)) acc = monoid.combine(acc, row.value)
    }
    out[e] = acc
  }
  return out
}

/**
 * Folds the rows of a range read (ascending buckets, absent rows left out) from the identity.
 *
 * @example
 * foldRows(sum, [{ bucket: 1, value: 2, ttl: undefined }, { bucket: 4, value: 3, ttl: undefined }]) // 5
 */
export const foldRows = <V>(monoid: Monoid<V>, rows: ReadonlyArray<BucketRow<V>>, from: V = monoid.empty): V => {
  let acc = from
  for (const row of rows) acc = monoid.combine(acc, row.value)
  return acc
}
