/**
 * A component monoid's value as bytes inside a combinator's value (`mapOf`, `tuple`): a binary
 * codec's bytes as they are; a numeric codec's value as a tag byte then the number: 0 unset,
 * 1 an f64 (8 bytes, little-endian), 2 decimal text (UTF-8, for an exact sum a double cannot
 * hold), so no digit is lost inside a combinator.
 */
import type { Monoid } from "./Monoid.js"
import { fromUtf8, utf8 } from "./bytes.js"
import { MalformedValue } from "./MalformedValue.js"

const UNSET = 0
const DOUBLE = 1
const DECIMAL_TEXT = 2
/** DynamoDB's numbers: 38 significant digits, sign, point and exponent fit in 48 characters. */
const MAX_DECIMAL_TEXT = 48

export const encodeInner = <V>(monoid: Monoid<V>, value: V): Uint8Array => {
  const codec = monoid.codec
  if (codec.storage === "binary") return codec.encode(value)
  const n = codec.encode(value)
  if (n === undefined) return new Uint8Array([UNSET])
  if (typeof n === "string") return Uint8Array.from([DECIMAL_TEXT, ...utf8(n)])
  const out = new Uint8Array(9)
  out[0] = DOUBLE
  new DataView(out.buffer).setFloat64(1, n, true)
  return out
}

export const decodeInner = <V>(monoid: Monoid<V>, bytes: Uint8Array, container: string): V => {
  const codec = monoid.codec
  if (codec.storage === "binary") return codec.decode(bytes)
  if (bytes.length === 1 && bytes[0] === UNSET) return monoid.empty
  if (bytes.length === 9 && bytes[0] === DOUBLE) return codec.decode(new DataView(bytes.buffer, bytes.byteOffset, 9).getFloat64(1, true))
  if (bytes.length > 1 && bytes[0] === DECIMAL_TEXT) return codec.decode(fromUtf8(bytes.subarray(1)))
  throw new MalformedValue({ monoid: container, message: `a ${monoid.name} component is not a tagged number` })
}

/** The most bytes an inner value takes (numbers: a tag and up to 48 characters), or undefined when unbounded. */
export const maxInnerBytes = <V>(monoid: Monoid<V>): number | undefined =>
  monoid.codec.storage === "number" ? 1 + MAX_DECIMAL_TEXT : monoid.maxEncodedBytes
