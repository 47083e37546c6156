/**
 * `topK(k)`: the most frequent items, as a Misra-Gries mergeable summary in the Go Murmur
 * library's wire format, so Go and TypeScript workers can share rows.
 *
 * Wire format (little-endian): u32 K, u32 N, then N × (u64 count, u32 keyLen, key bytes as
 * UTF-8), items sorted by count descending then key ascending (byte order).
 */
import { InvalidConfig } from "../../errors.js"
import type { Monoid } from "../Monoid.js"
import { ByteReader, ByteWriter, compareCodePoints, fromUtf8, utf8 } from "../bytes.js"
import { MalformedValue } from "../MalformedValue.js"

/** One item and its (under-)count. */
export interface TopKItem {
  readonly item: string
  readonly count: number
}

/** A top-K summary: at most K items, sorted by count descending then item ascending. */
export type TopK = ReadonlyArray<TopKItem>

const byCountThenItem = (a: TopKItem, b: TopKItem): number => b.count - a.count || compareCodePoints(a.item, b.item)

/**
 * Misra-Gries summary of summed counts: if more than `k` items are left, every count drops by
 * the (k+1)-th largest, items at zero or below go, and at most `k` stay. Each count is then an
 * under-estimate by at most N/(k+1) (N = total count summarised).
 */
const summarize = (counts: Map<string, number>, k: number): TopK => {
  const items = Array.from(counts, ([item, count]) => ({ item, count })).filter((i) => i.count > 0)
  items.sort(byCountThenItem)
  if (items.length <= k) return items
  const threshold = items[k]!.count
  const kept: Array<TopKItem> = []
  for (const { item, count } of items) {
    if (count <= threshold) break // sorted: every later item is at or below it too
    kept.push({ item, count: count - threshold })
  }
  return kept
}

const combineWith = (k: number) => (left: TopK, right: TopK): TopK => {
  if (right.length === 0) return left
  if (left.length === 0) return right
  const counts = new Map<string, number>()
  for (const { item, count } of left) counts.set(item, count)
  for (const { item, count } of right) counts.set(item, (counts.get(item) ?? 0) + count)
  return summarize(counts, k)
}

const encodeWith = (k: number) => (value: TopK): Uint8Array => {
  const out = new ByteWriter(8 + value.length * 24).u32(k).u32(value.length)
  for (const { item, count } of value) out.u64(count).chunk(utf8(item))
  return out.done()
}

const decodeWith = (name: string) => (bytes: Uint8Array): TopK => {
  const input = new ByteReader(bytes)
  input.u32() // the writer's K: we keep our own k, as the Go library does
  const n = input.u32()
  const items: Array<TopKItem> = []
  for (let i = 0; i < n && input.ok; i++) {
    const count = input.u64()
    const key = input.chunk()
    if (input.ok) items.push({ item: fromUtf8(key), count })
  }
  if (!input.finished) throw new MalformedValue({ monoid: name, message: "not a top-K summary (truncated or trailing bytes)" })
  return items.sort(byCountThenItem)
}

/** The top-K monoid, with helpers to build its values. */
export interface TopKMonoid extends Monoid<TopK> {
  readonly k: number
  /** A summary of one item seen `count` times (default 1): a value extractor's delta. */
  readonly of: (item: string, count?: number) => TopK
  /** The summary of exact counts (a batch counted in memory). */
  readonly fromCounts: (counts: ReadonlyMap<string, number>) => TopK
}

/** Options of `topK`. */
export interface TopKOptions {
  /** The longest item, in UTF-8 bytes, the row budget allows for. Default 1024. */
  readonly maxItemBytes?: number
}

/**
 * The `k` most frequent items (Misra-Gries). Counts may be under-estimated, by at most
 * N/(k+1) for N counted events; an item with more than N/(k+1) occurrences is always listed.
 * Track more than you show (`topK(100)` for a top 10) to make the top exact on skewed streams.
 * Merging is commutative; it is associative exactly while at most `k` distinct items are seen
 * and within the bound above beyond that (any grouping of the same events keeps the bound).
 *
 * @throws InvalidConfig when k is not a positive integer.
 * @example
 * const pages = topK(10)
 * pages.combine(pages.of("/home"), pages.of("/about", 3)) // [{ item: "/about", count: 3 }, { item: "/home", count: 1 }]
 */
export const topK = (k = 10, options: TopKOptions = {}): TopKMonoid => {
  if (!Number.isInteger(k) || k < 1) {
    throw new InvalidConfig({ field: "k", message: `topK k must be a positive integer, got ${k}` })
  }
  const maxItemBytes = options.maxItemBytes ?? 1024
  const name = `topK(${k})`
  return {
    kind: "topk",
    name,
    k,
    empty: [],
    combine: combineWith(k),
    commutative: true,
    additive: true,
    nativeAdd: false,
    equals: (left, right) =>
      left.length === right.length && left.every((l, i) => l.item === right[i]!.item && l.count === right[i]!.count),
    codec: { storage: "binary", encode: encodeWith(k), decode: decodeWith(name) },
    maxEncodedBytes: 8 + k * (12 + maxItemBytes),
    of: (item, count = 1) => (count > 0 ? [{ item, count }] : []),
    fromCounts: (counts) => summarize(new Map(counts), k)
  }
}
