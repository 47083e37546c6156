import type { Monoid, ValueCodec } from "./Monoid.js"
import { jsonBytes, parseJsonBytes } from "./jsonCodec.js"

export interface CustomMonoidOptions<V> {
  readonly name: string
  readonly empty: V
  readonly combine: (left: V, right: V) => V
  /** Default false. Claim it only if it holds: the law kit checks it. */
  readonly commutative?: boolean
  /** Allow coalescing of deltas in memory before the store is called. Default false. */
  readonly additive?: boolean
  /** Default: equality of JSON text. */
  readonly equals?: (left: V, right: V) => boolean
  /** Default: JSON text as bytes. */
  readonly codec?: ValueCodec<V>
  /** The most bytes an encoded value may take; default unbounded (the row's item limit still applies). */
  readonly maxEncodedBytes?: number | undefined
}

/**
 * A user-defined monoid. Run `checkMonoidLaws` on it in your tests.
 *
 * @example
 * const longest = custom({ name: "longest", empty: "", combine: (a, b) => (b.length > a.length ? b : a) })
 */
export const custom = <V>(options: CustomMonoidOptions<V>): Monoid<V> => ({
  kind: "custom",
  name: options.name,
  empty: options.empty,
  combine: options.combine,
  commutative: options.commutative ?? false,
  additive: options.additive ?? false,
  nativeAdd: false,
  equals: options.equals ?? ((left, right) => JSON.stringify(left) === JSON.stringify(right)),
  codec: options.codec ?? { storage: "binary", encode: jsonBytes, decode: (bytes) => parseJsonBytes(bytes) as V },
  maxEncodedBytes: options.maxEncodedBytes
})
