/**
 * `mapOf(inner)`: one inner value per string key, merged key by key. Binary format: u32 entry
 * count, then per entry (keys in code-point order, so equal maps have equal bytes) a u32-length
 * UTF-8 key and a u32-length inner value (see `innerValue.ts`), little-endian.
 */
import type { Monoid } from "./Monoid.js"
import { ByteReader, ByteWriter, compareCodePoints, fromUtf8, utf8 } from "./bytes.js"
import { decodeInner, encodeInner, maxInnerBytes } from "./innerValue.js"
import { MalformedValue } from "./MalformedValue.js"

/** Limits of a `mapOf`, so its row stays under DynamoDB's item limit. */
export interface MapLimits {
  /** Default 1,000. */
  readonly maxKeys?: number
  /** The longest key, in UTF-8 bytes, the byte budget allows for. Default 256. */
  readonly maxKeyBytes?: number
}

/** The `mapOf` monoid: its `inner` monoid is there for readers (a query renders each value with it). */
export interface MapOfMonoid<V> extends Monoid<ReadonlyMap<string, V>> {
  readonly inner: Monoid<V>
}

/**
 * Merges maps key by key: keys of either side are kept, and a key on both sides holds
 * `inner.combine(left, right)`. Lawful (and commutative, and coalescable) whenever `inner` is.
 *
 * @example
 * const perCountry = mapOf(sum)
 * perCountry.combine(new Map([["fr", 1]]), new Map([["fr", 2], ["de", 1]])) // Map { fr → 3, de → 1 }
 */
export const mapOf = <V>(inner: Monoid<V>, limits: MapLimits = {}): MapOfMonoid<V> => {
  const maxKeys = limits.maxKeys ?? 1000
  const maxKeyBytes = limits.maxKeyBytes ?? 256
  const name = `mapOf(${inner.name})`
  const innerBytes = maxInnerBytes(inner)
  return {
    kind: "map",
    name,
    inner,
    empty: new Map(),
    combine: (left, right) => {
      if (right.size === 0) return left
      if (left.size === 0) return right
      const out = new Map(left)
      for (const [key, value] of right) {
        out.set(key, out.has(key) ? inner.combine(out.get(key) as V, value) : value)
      }
      return out
    },
    commutative: inner.commutative,
    additive: inner.additive,
    nativeAdd: false,
    equals: (left, right) => {
      if (left.size !== right.size) return false
      for (const [key, value] of left) {
        if (!right.has(key) || !inner.equals(value, right.get(key) as V)) return false
      }
      return true
    },
    codec: {
      storage: "binary",
      encode: (value) => {
        const out = new ByteWriter().u32(value.size)
        for (const key of [...value.keys()].sort(compareCodePoints)) {
          out.chunk(utf8(key)).chunk(encodeInner(inner, value.get(key) as V))
        }
        return out.done()
      },
      decode: (bytes) => {
        const input = new ByteReader(bytes)
        const n = input.u32()
        const out = new Map<string, V>()
        for (let i = 0; i < n && input.ok; i++) {
          const key = input.chunk()
          const value = input.chunk()
          if (input.ok) out.set(fromUtf8(key), decodeInner(inner, value, name))
        }
        if (!input.finished) throw new MalformedValue({ monoid: name, message: "not a map value (truncated or trailing bytes)" })
        return out
      }
    },
    maxEncodedBytes: innerBytes === undefined ? undefined : 4 + maxKeys * (8 + maxKeyBytes + innerBytes),
    overBudget: (value) => {
      if (value.size > maxKeys) return `${name} has ${value.size} keys; at most ${maxKeys} allowed`
      for (const v of value.values()) {
        const reason = inner.overBudget?.(v)
        if (reason !== undefined) return reason
      }
      return undefined
    }
  }
}
