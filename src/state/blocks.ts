/**
 * Aligned blocks of buckets, the unit a cache keeps: block (level, index) folds the 2^level
 * buckets from index·2^level on. Any range splits into at most about 2·log2(length) such blocks,
 * so a cached 7-day hourly window is about a dozen values per key instead of 168, and a window
 * that slides by one bucket reuses every block but the newest few.
 */
import type { Monoid } from "../monoid/Monoid.js"
import type { BucketRange } from "../window/Window.js"
import type { BucketRow } from "./Store.js"

/** Buckets index·2^level to (index+1)·2^level − 1. */
export interface Block {
  readonly level: number
  readonly index: number
}

/** A block's folded value and the instant (epoch ms) after which a cache must forget it. */
export interface FoldedBlock<V> {
  readonly block: Block
  readonly value: V
  readonly expiresAtMs: number
}

/** The largest block: 2^16 buckets (45 days of minutes, 7 years of hours). */
export const maxBlockLevel = 16

const sizeOf = (level: number): number => 2 ** level

/** The buckets a block folds. */
export const blockRange = ({ index, level }: Block): BucketRange => {
  const size = sizeOf(level)
  return { lo: index * size, hi: (index + 1) * size - 1 }
}

/**
 * The fewest aligned blocks that tile `range` exactly, ascending.
 *
 * @example
 * coverRange({ lo: 5, hi: 12 }) // [{level 0, index 5}, {level 1, index 3}, {level 2, index 2}, {level 0, index 12}]
 */
export const coverRange = ({ hi, lo }: BucketRange): ReadonlyArray<Block> => {
  const out: Array<Block> = []
  let bucket = lo
  while (bucket <= hi) {
    let level = 0
    while (level < maxBlockLevel) {
      const size = sizeOf(level + 1)
      if (bucket % size !== 0 || bucket + size - 1 > hi) break
      level++
    }
    out.push({ level, index: bucket / sizeOf(level) })
    bucket += sizeOf(level)
  }
  return out
}

/** Every block that folds `bucket`, one per level (a merge into the bucket changes each of them). */
export const blocksContaining = (bucket: number): ReadonlyArray<Block> => {
  const out: Array<Block> = []
  for (let level = 0; level <= maxBlockLevel; level++) out.push({ level, index: Math.floor(bucket / sizeOf(level)) })
  return out
}

/**
 * Folds the rows of `span` (ascending, as `Store.getRange` returns them) into every aligned block
 * that lies wholly inside it, at every level, so later ranges that start or end elsewhere in the
 * span still find their blocks. A block expires at `expiresAtMs` or when its first row expires.
 */
export const foldBlocks = <V>(
  monoid: Monoid<V>,
  span: BucketRange,
  rows: ReadonlyArray<BucketRow<V>>,
  expiresAtMs: number
): ReadonlyArray<FoldedBlock<V>> => {
  if (span.hi < span.lo) return []
  // Level 0 first: one value per bucket of the span (the identity where no row exists) ...
  const length = span.hi - span.lo + 1
  let values: Array<V> = new Array(length).fill(monoid.empty)
  let expiries: Array<number> = new Array(length).fill(expiresAtMs)
  for (const row of rows) {
    const i = row.bucket - span.lo
    values[i] = row.value
    if (row.ttl !== undefined && row.ttl > 0) expiries[i] = Math.min(expiresAtMs, row.ttl * 1000)
  }
  const out: Array<FoldedBlock<V>> = []
  // ... then each level combines pairs of the level below, keeping the aligned ones inside the span.
  let first = span.lo // bucket id of values[0] at this level's granularity
  for (let level = 0; level <= maxBlockLevel && values.length > 0; level++) {
    for (let i = 0; i < values.length; i++) {
      out.push({ block: { level, index: first + i }, value: values[i]!, expiresAtMs: expiries[i]! })
    }
    const start = first % 2 === 0 ? 0 : 1
    const nextValues: Array<V> = []
    const nextExpiries: Array<number> = []
    for (let i = start; i + 1 < values.length; i += 2) {
      nextValues.push(monoid.combine(values[i]!, values[i + 1]!))
      nextExpiries.push(Math.min(expiries[i]!, expiries[i + 1]!))
    }
    first = (first + start) / 2
    values = nextValues
    expiries = nextExpiries
  }
  return out
}

/**
 * Whether a delta for one bucket may be combined onto the end of a cached block's value. Only
 * for a single bucket, or a commutative monoid: for `last` and the like, a late delta into an
 * early bucket of a wider block belongs before later buckets' values, so such blocks are dropped.
 */
export const mergesInto = <V>(monoid: Monoid<V>, block: Block): boolean => block.level === 0 || monoid.commutative
