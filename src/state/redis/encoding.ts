import type { Monoid } from "../../monoid/Monoid.js"

/**
 * A value as Redis holds it: the monoid's stored form, as in DynamoDB's `v`. Numbers are their
 * decimal text (the empty string for an unset min/max), binary values their bytes, so an `hll`
 * block is a Redis HyperLogLog string that PFCOUNT and PFMERGE read directly.
 *
 * @example
 * encodeCached(sum, 42) // "42"
 */
export const encodeCached = <V>(monoid: Monoid<V>, value: V): string | Buffer => {
  const codec = monoid.codec
  if (codec.storage === "number") {
    const n = codec.encode(value)
    return n === undefined ? "" : String(n)
  }
  const bytes = codec.encode(value)
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** The inverse of `encodeCached`. Throws when the bytes are not the monoid's (a foreign key). */
export const decodeCached = <V>(monoid: Monoid<V>, stored: Buffer): V => {
  const codec = monoid.codec
  if (codec.storage === "binary") return codec.decode(stored)
  if (stored.length === 0) return monoid.empty
  const text = stored.toString("latin1")
  if (Number.isNaN(Number(text))) throw new Error(`cached value is not a number for monoid ${monoid.name}`)
  // The text, not a double: an exact sum keeps every digit.
  return codec.decode(text)
}
